"""URLs of organisational life (namespace "orglife")."""

from django.urls import path

from dangjian.core.imports import ImportConfirmView, ImportTemplateView, ImportUploadView

from . import views
from .imports import SIGN_IN

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("calendar/", views.meeting_calendar, name="meeting_calendar"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/hold/", views.meeting_hold, name="meeting_hold"),
    path("meetings/export/", views.meeting_export, name="meeting_export"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/export/", views.compliance_export, name="compliance_export"),
    path("rules/", views.rules, name="rules"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/compile/", views.report_compile, name="report_compile"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/refresh/", views.report_refresh, name="report_refresh"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/amend/", views.report_amend, name="report_amend"),
    path("reports/<int:pk>/items/", views.report_items, name="report_items"),
    path("evaluations/", views.evaluation_list, name="evaluation_list"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/mutual/", views.evaluation_mutual, name="evaluation_mutual"),
    path("evaluations/rounds/<int:pk>/close/", views.evaluation_close, name="evaluation_close"),
    path("training/", views.course_list, name="course_list"),
    path("training/<int:pk>/", views.course_detail, name="course_detail"),
    path("training/<int:pk>/import/", ImportUploadView.as_view(spec=SIGN_IN), name="signin_upload"),
    path("training/<int:pk>/import/confirm/", ImportConfirmView.as_view(spec=SIGN_IN), name="signin_confirm"),
    path(
        "training/<int:pk>/import/template/", ImportTemplateView.as_view(spec=SIGN_IN), name="signin_template"
    ),
    path("training/coverage/", views.training_coverage, name="training_coverage"),
    path("training/coverage/items/", views.coverage_items, name="coverage_items"),
    path("training/checks/<int:pk>/", views.coverage_check, name="coverage_check"),
    path("training/export/", views.training_export, name="training_export"),
    path("training/person/<int:pk>/", views.person_training, name="person_training"),
]
