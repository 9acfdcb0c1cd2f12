"""URLs of the ledger under /ledger/: each page family keeps its own list."""

from .views import items, ledger, lists, stats

urlpatterns = [*lists.urlpatterns, *items.urlpatterns, *ledger.urlpatterns, *stats.urlpatterns]
