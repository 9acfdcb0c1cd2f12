"""The training sign-in sheet import of one course, through the generic upload → preview → confirm views."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.imports import ImportSpec
from dangjian.core.scoping import ensure_can, get_for_user

from .apps import RECORD
from .importers import SignInImporter
from .models import Course


class SignInImportSpec(ImportSpec):
    """A course's sign-in sheet; the importer needs the right to record training at the organiser."""

    path = "dangjian.orglife.imports.SIGN_IN"
    importer = SignInImporter
    title = gettext_lazy("Import a sign-in sheet")
    url_names = ("orglife:signin_upload", "orglife:signin_confirm", "orglife:signin_template")
    success_label = gettext_lazy("Open the course")

    def scope(self, user, *, pk, **kwargs) -> Course:
        course = get_for_user(Course.objects.select_related("org"), user, pk=pk)
        ensure_can(user, RECORD, course)
        return course

    def template_filename(self) -> str:
        return _("training-sign-in-template.xlsx")

    def importer_context(self, scope) -> dict:
        return {"course": scope}

    def success_url(self, scope, **kwargs) -> str:
        return reverse("orglife:course_detail", args=[scope.pk])

    def subtitle(self, scope) -> str:
        return scope.title

    def breadcrumbs(self, scope, **kwargs) -> list:
        return [
            (_("Training"), reverse("orglife:course_list")),
            (scope.title, reverse("orglife:course_detail", args=[scope.pk])),
            (self.title, None),
        ]


SIGN_IN = SignInImportSpec()
