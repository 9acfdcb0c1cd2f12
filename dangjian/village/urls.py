"""URLs of village governance (namespace "village")."""

from django.urls import path

from dangjian.core.imports import ImportConfirmView, ImportTemplateView, ImportUploadView

from . import views
from .imports import GRIDS, ROTA

urlpatterns = [
    # duty
    path("duty/", views.my_duty, name="my_duty"),
    path("duty/day/", views.rota_day, name="rota_day"),
    path("cadres/<int:pk>/", views.CadreDetail.as_view(), name="cadre_detail"),
    path("cadres/<int:pk>/check-in/", views.CheckInCreate.as_view(), name="checkin"),
    path("cadres/<int:pk>/rota/", views.RotaEdit.as_view(), name="rota_edit"),
    path("orgs/<int:pk>/holiday-duty/", views.HolidayDutyGenerate.as_view(), name="holiday_duty"),
    path("orgs/<int:pk>/rota/import/", ImportUploadView.as_view(spec=ROTA), name="rota_import"),
    path(
        "orgs/<int:pk>/rota/import/confirm/", ImportConfirmView.as_view(spec=ROTA), name="rota_import_confirm"
    ),
    path(
        "orgs/<int:pk>/rota/import/template/",
        ImportTemplateView.as_view(spec=ROTA),
        name="rota_import_template",
    ),
    # leave
    path("cadres/<int:pk>/leave/new/", views.LeaveCreate.as_view(), name="leave_create"),
    path("leave/", views.leave_list, name="leave_list"),
    path("leave/export/", views.leave_export, name="leave_export"),
    path("leave/<int:pk>/", views.LeaveDetail.as_view(), name="leave_detail"),
    path("leave/<int:pk>/move/", views.LeaveMove.as_view(), name="leave_move"),
    # major-matter reports
    path("cadres/<int:pk>/reports/new/", views.ReportCreate.as_view(), name="report_create"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/export/", views.report_export, name="report_export"),
    path("reports/<int:pk>/", views.ReportDetail.as_view(), name="report_detail"),
    path("reports/<int:pk>/move/", views.ReportMove.as_view(), name="report_move"),
    # first secretaries and work files
    path("first-secretaries/", views.first_secretaries, name="first_secretaries"),
    path("cadres/<int:pk>/posting/", views.PostingCreate.as_view(), name="posting_create"),
    path("cadres/<int:pk>/work-file/", views.WorkFileEdit.as_view(), name="work_file_edit"),
    path("work-files/<int:pk>/", views.WorkFileDetail.as_view(), name="work_file_detail"),
    path("work-files/<int:pk>/xlsx/", views.WorkFileExport.as_view(), name="work_file_export"),
    path(
        "work-files/<int:pk>/commitments/", views.WorkFileCommitments.as_view(), name="work_file_commitments"
    ),
    # 四议两公开
    path("decisions/", views.decision_list, name="decision_list"),
    path("decisions/export/", views.decision_export, name="decision_export"),
    path("orgs/<int:pk>/decisions/new/", views.DecisionCreate.as_view(), name="decision_create"),
    path("decisions/<int:pk>/", views.DecisionDetail.as_view(), name="decision_detail"),
    path("decisions/<int:pk>/step/", views.DecisionStepCreate.as_view(), name="decision_step"),
    path("decisions/<int:pk>/review/", views.DecisionReview.as_view(), name="decision_review"),
    path("decisions/<int:pk>/implemented/", views.DecisionImplemented.as_view(), name="decision_implemented"),
    # grid matters
    path("grid/", views.matter_list, name="matter_list"),
    path("grid/export/", views.matter_export, name="matter_export"),
    path("grid/rollup/", views.grid_rollup, name="grid_rollup"),
    path("orgs/<int:pk>/grids/new/", views.GridCreate.as_view(), name="grid_create"),
    path("orgs/<int:pk>/grids/import/", ImportUploadView.as_view(spec=GRIDS), name="grid_import"),
    path(
        "orgs/<int:pk>/grids/import/confirm/",
        ImportConfirmView.as_view(spec=GRIDS),
        name="grid_import_confirm",
    ),
    path(
        "orgs/<int:pk>/grids/import/template/",
        ImportTemplateView.as_view(spec=GRIDS),
        name="grid_import_template",
    ),
    path("grids/<int:pk>/matters/new/", views.MatterCreate.as_view(), name="matter_create"),
    path("grid/<int:pk>/", views.MatterDetail.as_view(), name="matter_detail"),
    path("grid/<int:pk>/route/", views.MatterRoute.as_view(), name="matter_route"),
    path("grid/<int:pk>/move/", views.MatterMove.as_view(), name="matter_move"),
    path("grid/<int:pk>/to-ledger/", views.MatterToLedger.as_view(), name="matter_to_ledger"),
    # dictionaries
    path("categories/", views.dictionaries, name="dictionaries"),
    path("categories/<slug:kind>/new/", views.DictionaryEntryCreate.as_view(), name="dictionary_create"),
    path("categories/<slug:kind>/<int:pk>/", views.DictionaryEntryEdit.as_view(), name="dictionary_edit"),
]
