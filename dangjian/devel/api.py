"""REST API of the development module: files, and recording a file's next step with the same rules as the pages.

Every route fetches through ``visible_to`` and writes through ``services.step_record``, so a step the
page refuses is refused here with the same Chinese message.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.core import scoping, workflow
from dangjian.core.api import ScopedViewSetMixin
from dangjian.orgs.models import Person

from . import rules, services
from .models import STEP_BY_NUMBER, STOPPABLE, DevelopmentFile
from .serializers import FileSerializer, StepSerializer, StopSerializer


class FileViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Development files of organisations I may see; ``POST /devel-files/{id}/step/`` records the next step,
    ``POST /devel-files/{id}/stop/`` stops the development (停止发展) with the reason."""

    queryset = DevelopmentFile.objects.select_related("org", "person").order_by(
        "org__path", "applied_on", "pk"
    )
    serializer_class = FileSerializer
    filterset_fields = ["status", "org"]

    @action(detail=True, methods=["get", "post"], serializer_class=StepSerializer)
    def step(self, request, pk=None):
        """GET: the next step and whether I may record it; POST: record it (``number`` must be that step)."""
        file = self.get_object()
        if request.method == "GET":
            number = rules.next_step(file)
            allowed = False
            if number is not None:
                rule = workflow.rules_for(file).get((file.status, rules.target_status(file, number)))
                allowed = rule is not None and workflow.has_right(rule, file, request.user)
            return Response(
                {
                    "version": file.version,
                    "next_step": number,
                    "label": str(STEP_BY_NUMBER[number].label) if number else "",
                    "allowed": allowed,
                }
            )
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        for name in ("sponsor_1", "sponsor_2"):
            if v[name] is not None:
                v[name] = Person.objects.visible_to(request.user).filter(pk=v[name]).first()
                if v[name] is None:
                    raise ValidationError(_("Two sponsors (入党介绍人) are needed."))
        services.step_record(
            file=file,
            actor=request.user,
            expected_version=v.pop("version"),
            files=request.FILES.getlist("files"),
            **v,
        )
        return Response(FileSerializer(self.get_queryset().get(pk=file.pk)).data)

    @action(detail=True, methods=["get", "post"], serializer_class=StopSerializer)
    def stop(self, request, pk=None):
        """GET: whether I may stop this file's development; POST: stop it (date and reason)."""
        file = self.get_object()
        if request.method == "GET":
            allowed = file.status in STOPPABLE and scoping.can(request.user, rules.DevelCap.DEVELOP, file)
            return Response({"version": file.version, "status": file.status, "allowed": allowed})
        data = StopSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        services.file_stop(file=file, actor=request.user, expected_version=v.pop("version"), **v)
        return Response(FileSerializer(self.get_queryset().get(pk=file.pk)).data)


def register(router) -> None:
    router.register("devel-files", FileViewSet, basename="api-devel-file")
