"""Development pages: the pipeline, a file with its 25-step timeline, the step forms, notices, quotas, export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET

from dangjian.core import attachments, audit, documents, scoping, workflow
from dangjian.core.caps import Cap
from dangjian.core.exports import xlsx_bytes, xlsx_response
from dangjian.core.generic import ObjectView, ServiceFormView
from dangjian.core.pagination import list_key, page_of
from dangjian.orgs.models import Organisation

from . import rules, selectors, services
from .columns import LEDGER_COLUMNS
from .forms import AssessmentForm, FileOpenForm, NoticeForm, QuotaForm, StepForm, StopForm
from .models import NOTICE_STEPS, STEP_BY_NUMBER, STOPPABLE, DevelopmentFile, StageKind
from .rules import DevelCap

PER_PAGE = 50


def _org_from_query(request) -> Organisation | None:
    """The organisation named in ?org= when the user may see it (otherwise none: the whole scope)."""
    raw = request.GET.get("org", "")
    if not raw.isdigit():
        return None
    return Organisation.objects.visible_to(request.user).filter(pk=int(raw)).first()


def _breadcrumbs(*tail) -> list:
    return [(_("Party-member development"), reverse("devel:pipeline")), *tail]


@login_required
@require_GET
def pipeline(request):
    """Files per stage with the overdue ones in red, and the files of one stage (or all) page by page."""
    today = timezone.localdate()
    org = _org_from_query(request)
    stage = request.GET.get("stage", "")
    files = selectors.files_for(request.user, org).order_by("org__path", "applied_on", "pk")
    if stage.isdigit() and int(stage) in StageKind.values:
        files = files.filter(status__in=selectors.stage_statuses(int(stage)))
    elif stage in selectors.CLOSED:
        files = files.filter(status=stage)
    key = list_key(request, naming=("org",), read=(org and org.path,))  # a move: another path, another key
    page = page_of(files, request, PER_PAGE, key=key)
    rows = [selectors.file_row(f, today) for f in page.object_list]
    base = org or _top_org(request.user)
    children = (
        list(
            Organisation.objects.visible_to(request.user)
            .current()
            .filter(path__startswith=base.path, depth=base.depth + 1)
            .order_by("path")
        )
        if base
        else []
    )
    context = {
        "summary": selectors.pipeline(request.user, org, today, children),
        "page": page,
        "rows": rows,
        "org": org,
        "stage": stage,
        "can_open": scoping.can(request.user, DevelCap.DEVELOP),
        "can_export": scoping.can(request.user, Cap.EXPORT),
        "breadcrumbs": _breadcrumbs((org.label, None)) if org else _breadcrumbs(),
    }
    return render(request, "devel/pipeline.html", context)


@login_required
@require_GET
def ledger_export(request):
    """Every file of the subtree with its stage and next due date, in the columns a township files (.xlsx)."""
    if not scoping.can(request.user, Cap.EXPORT):
        raise PermissionDenied(_("You are not allowed to do this here."))
    today = timezone.localdate()
    org = _org_from_query(request)
    files = selectors.files_for(request.user, org).order_by("org__path", "applied_on", "pk")
    rows = (selectors.file_row(f, today) for f in files.iterator(chunk_size=2000))
    content = xlsx_bytes(LEDGER_COLUMNS, rows, title=_("Development files"))
    label = _("Development files")
    return xlsx_response(content, f"{label}-{today:%Y%m%d}.xlsx")


class FileOpen(ServiceFormView):
    """A branch opens an applicant's file from the written application (step 1)."""

    capability = DevelCap.DEVELOP
    form_class = FileOpenForm
    template_name = "devel/form.html"
    success_message = gettext_lazy("The development file was opened.")

    def get_form_kwargs(self, obj) -> dict:
        return {"user": self.request.user}

    def perform(self, form, obj, user):
        return services.file_open(actor=user, **form.cleaned_data)

    def get_success_url(self, obj, file) -> str:
        return reverse("devel:file_detail", args=[file.pk])

    def get_extra_context(self, obj) -> dict:
        return {
            "title": _("Open a development file"),
            "breadcrumbs": _breadcrumbs((_("Open a development file"), None)),
        }


class FileDetail(ObjectView):
    """One file: the applicant (ID masked), the 25 steps as a timeline, the public notices, documents, history."""

    queryset = DevelopmentFile.objects.select_related("org", "person")
    template_name = "devel/file_detail.html"
    context_object_name = "file"

    def get_extra_context(self, file) -> dict:
        user = self.request.user
        today = timezone.localdate()
        records = list(
            file.steps.select_related("recorded_by", "sponsor_1", "sponsor_2").order_by(
                "number", "done_on", "pk"
            )
        )
        number = rules.next_step(file)
        can_record = False
        if number is not None:
            to = rules.target_status(file, number)
            rule = workflow.rules_for(file).get((file.status, to))
            can_record = rule is not None and workflow.has_right(rule, file, user)
        upcoming = [n for n in NOTICE_STEPS if number is not None and n >= number]
        return {
            "steps": selectors.timeline(file, records, today),
            "row": selectors.file_row(file, today),
            "next_step": STEP_BY_NUMBER.get(number) if number else None,
            "can_record": can_record,
            "can_develop": scoping.can(user, DevelCap.DEVELOP, file),
            "can_stop": file.status in STOPPABLE and scoping.can(user, DevelCap.DEVELOP, file),
            "notice_due": upcoming[0] if upcoming else None,
            "notices": list(file.public_notices.order_by("before_step", "starts_on")),
            "files": list(attachments.for_owner(file, user)),
            "timeline": audit.timeline(file, viewer=user),
            "breadcrumbs": _breadcrumbs(
                (file.org.label, reverse("devel:pipeline") + f"?org={file.org_id}"), (file.person.name, None)
            ),
        }


class _FileForm(ServiceFormView):
    queryset = DevelopmentFile.objects.select_related("org", "person")
    template_name = "devel/form.html"
    context_object_name = "file"

    def get_success_url(self, file, result) -> str:
        return reverse("devel:file_detail", args=[file.pk])

    def crumbs(self, file, title) -> dict:
        return {
            "title": title,
            "breadcrumbs": _breadcrumbs(
                (file.person.name, reverse("devel:file_detail", args=[file.pk])), (title, None)
            ),
        }


class StepRecordView(_FileForm):
    """Record the file's next step (the right is checked by the step: the branch, or the higher committee)."""

    form_class = StepForm
    success_message = gettext_lazy("The step was recorded.")

    def number(self, file) -> int:
        number = rules.next_step(file)
        if number is None:
            raise PermissionDenied(_("This file is finished; no more steps can be recorded."))
        return number

    def check_capability(self, file) -> None:
        number = self.number(file)
        rule = workflow.rules_for(file).get((file.status, rules.target_status(file, number)))
        if rule is None or not workflow.has_right(rule, file, self.request.user):
            raise PermissionDenied(_("You are not allowed to do this here."))

    def get_initial(self, file) -> dict:
        return {"version": file.version}

    def get_form_kwargs(self, file) -> dict:
        return {"file": file, "number": self.number(file), "user": self.request.user}

    def perform(self, form, file, user):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return services.step_record(
            file=file, number=self.number(file), actor=user, expected_version=version, **data
        )

    def get_extra_context(self, file) -> dict:
        step = STEP_BY_NUMBER[self.number(file)]
        return self.crumbs(file, _("Step %(n)s: %(label)s") % {"n": step.number, "label": step.label})


class FileStop(_FileForm):
    """Stop developing the applicant (停止发展) with the reason; refused once they are a probationary member."""

    capability = DevelCap.DEVELOP  # rules.STOP: the branch's right, at the file's organisation
    form_class = StopForm
    success_message = gettext_lazy("Development of the applicant was stopped.")

    def get_initial(self, file) -> dict:
        return {"version": file.version}

    def perform(self, form, file, user):
        data = dict(form.cleaned_data)
        return services.file_stop(file=file, actor=user, expected_version=data.pop("version", None), **data)

    def get_extra_context(self, file) -> dict:
        return self.crumbs(file, _("Stop developing"))


class AssessmentAdd(_FileForm):
    """A further half-yearly assessment of the activist."""

    capability = DevelCap.DEVELOP
    form_class = AssessmentForm
    success_message = gettext_lazy("The assessment was recorded.")

    def perform(self, form, file, user):
        return services.assessment_record(file=file, actor=user, **form.cleaned_data)

    def get_extra_context(self, file) -> dict:
        return self.crumbs(file, _("Record an assessment"))


class NoticeAdd(_FileForm):
    """Record a public notice (公示) of the file."""

    capability = DevelCap.DEVELOP
    form_class = NoticeForm
    success_message = gettext_lazy("The public notice was recorded.")

    def get_initial(self, file) -> dict:
        number = rules.next_step(file) or 25
        upcoming = [n for n in NOTICE_STEPS if n >= number]
        return {"before_step": upcoming[0] if upcoming else None}

    def perform(self, form, file, user):
        return services.notice_record(file=file, actor=user, **form.cleaned_data)

    def get_extra_context(self, file) -> dict:
        return self.crumbs(file, _("Record a public notice"))


@login_required
@require_GET
def quotas(request):
    """Allocated / used / in the pipeline per organisation, one level down the tree, for a year."""
    today = timezone.localdate()
    org = _org_from_query(request) or _top_org(request.user)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else today.year
    rows = selectors.quota_rows(request.user, org, year) if org else []
    context = {
        "org": org,
        "year": year,
        "rows": rows,
        "structure": selectors.structure(request.user, org, year) if org else None,
        "can_set": scoping.can(request.user, DevelCap.SET_QUOTA),
        "breadcrumbs": _breadcrumbs((_("Development quotas"), None)),
    }
    return render(request, "devel/quotas.html", context)


def _top_org(user) -> Organisation | None:
    return Organisation.objects.visible_to(user).current().order_by("depth", "path").first()


class QuotaSet(ServiceFormView):
    """Set one organisation's quota for a year (by the organisation above it)."""

    capability = DevelCap.SET_QUOTA
    form_class = QuotaForm
    template_name = "devel/form.html"
    success_message = gettext_lazy("The quota was set.")

    def get_initial(self, obj) -> dict:
        return {"year": timezone.localdate().year}

    def get_form_kwargs(self, obj) -> dict:
        return {"user": self.request.user}

    def perform(self, form, obj, user):
        return services.quota_set(actor=user, **form.cleaned_data)

    def get_success_url(self, obj, quota) -> str:
        parent = rules.parent_of(quota.org) or quota.org
        return reverse("devel:quotas") + f"?org={parent.pk}&year={quota.year}"

    def get_extra_context(self, obj) -> dict:
        return {
            "title": _("Set a development quota"),
            "breadcrumbs": _breadcrumbs((_("Set a development quota"), None)),
        }


class _FileDocument(ObjectView):
    """A Word document of one file (from the template an office may replace)."""

    queryset = DevelopmentFile.objects.select_related("org", "person")


class FileIndexDocument(_FileDocument):
    """The index of the file (档案目录): every step with its dates and documents."""

    def get(self, request, *args, **kwargs):
        file = self.fetch()
        records = list(file.steps.order_by("number", "done_on", "pk"))
        context = selectors.index_document(file, records, list(attachments.for_owner(file, request.user)))
        data = documents.render("devel.file_index", context)
        label = _("file index")
        return documents.response(data, filename=f"{file.person.name}-{label}.docx")


class NoticeDocument(_FileDocument):
    """The public notice (公示) recorded before a step."""

    def get(self, request, *args, **kwargs):
        file = self.fetch()
        notice = file.public_notices.filter(before_step=kwargs["step"]).order_by("-ends_on", "-pk").first()
        if notice is None:
            raise Http404
        data = documents.render("devel.public_notice", selectors.notice_document(file, notice))
        label = _("public notice")
        return documents.response(data, filename=f"{file.person.name}-{label}.docx")


class ReplyDocument(_FileDocument):
    """The higher committee's reply to step 13, 17 or 24."""

    def get(self, request, *args, **kwargs):
        file = self.fetch()
        step = kwargs["step"]
        record = (
            file.steps.filter(number=step).order_by("-done_on", "-pk").first()
            if step in (13, 17, 24)
            else None
        )
        if record is None:
            raise Http404
        data = documents.render("devel.approval_reply", selectors.reply_document(file, record))
        label = pgettext("approval", "reply")
        return documents.response(data, filename=f"{file.person.name}-{label}-{step}.docx")


def home_block(request):
    """Talks and approvals about to be missed or missed, on the home page of those who record or approve them."""
    user = request.user
    if not (scoping.can(user, DevelCap.DEVELOP) or scoping.can(user, DevelCap.APPROVE)):
        return None
    rows, count = selectors.due_soon(user, timezone.localdate())
    if not rows:
        return None
    return {"rows": rows, "count": count}


urlpatterns = [
    path("", pipeline, name="pipeline"),
    path("export/", ledger_export, name="export"),
    path("new/", FileOpen.as_view(), name="file_open"),
    path("<int:pk>/", FileDetail.as_view(), name="file_detail"),
    path("<int:pk>/step/", StepRecordView.as_view(), name="step_record"),
    path("<int:pk>/assessment/", AssessmentAdd.as_view(), name="assessment_add"),
    path("<int:pk>/stop/", FileStop.as_view(), name="file_stop"),
    path("<int:pk>/notice/", NoticeAdd.as_view(), name="notice_add"),
    path("<int:pk>/index.docx", FileIndexDocument.as_view(), name="index_docx"),
    path("<int:pk>/notice/<int:step>.docx", NoticeDocument.as_view(), name="notice_docx"),
    path("<int:pk>/reply/<int:step>.docx", ReplyDocument.as_view(), name="reply_docx"),
    path("quotas/", quotas, name="quotas"),
    path("quotas/set/", QuotaSet.as_view(), name="quota_set"),
]
