"""The project's URLs plus a deliberately broken view: the leak walk must report it (test_persona_leaks)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from dangjian.orgs.models import Post
from dangjian.urls import urlpatterns as project_urlpatterns


@login_required
@require_POST
def post_delete(request, pk: int):
    """BROKEN ON PURPOSE: deletes any post without asking whether the user may see it."""
    Post.objects.filter(pk=pk).delete()
    return redirect("home")


urlpatterns = [
    *project_urlpatterns,
    path("broken/posts/<int:pk>/delete/", post_delete, name="broken_post_delete"),
]
