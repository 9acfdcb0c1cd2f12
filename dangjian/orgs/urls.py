"""URLs of the orgs app: organisations, people and the roster import/export each keep their own list."""

from .views import organisations, people, roster

urlpatterns = [*organisations.urlpatterns, *people.urlpatterns, *roster.urlpatterns]
