from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.utils.html import escape
from django.views.decorators.http import require_GET

from dangjian.orgs.models import Organisation


@login_required
@require_GET
def orgs(request):
    """The names of the organisations the user may see (scoped, as every page must be)."""
    names = Organisation.objects.visible_to(request.user).values_list("name", flat=True)
    return HttpResponse("<br>".join(escape(n) for n in names))


urlpatterns = [path("", orgs, name="orgs")]
