"""URLs of supervision and assessment (namespace "supervision")."""

from django.urls import path

from . import views

urlpatterns = [
    path("inspections/", views.plan_list, name="plan_list"),
    path("inspections/new/", views.PlanCreate.as_view(), name="plan_create"),
    path("inspections/<int:pk>/", views.PlanDetail.as_view(), name="plan_detail"),
    path("inspections/<int:pk>/start/", views.PlanStart.as_view(), name="plan_start"),
    path("inspections/<int:pk>/close/", views.PlanClose.as_view(), name="plan_close"),
    path("inspections/<int:plan_pk>/visit/", views.VisitCreate.as_view(), name="visit_create"),
    path("visits/<int:pk>/", views.VisitDetail.as_view(), name="visit_detail"),
    path("visits/<int:pk>/submit/", views.VisitSubmit.as_view(), name="visit_submit"),
    path("rankings/", views.ranking_page, name="ranking"),
    path("rankings/sets/new/", views.RankingSetCreate.as_view(), name="ranking_set_create"),
    path("rankings/sets/<int:pk>/", views.RankingSetEdit.as_view(), name="ranking_set_edit"),
    path("briefings/", views.briefing_list, name="briefing_list"),
    path("briefings/new/", views.BriefingCreate.as_view(), name="briefing_create"),
    path("briefings/<int:pk>/", views.BriefingDetail.as_view(), name="briefing_detail"),
    path("briefings/<int:pk>/print/", views.BriefingPrint.as_view(), name="briefing_print"),
    path("briefings/<int:pk>/edit/", views.BriefingEdit.as_view(), name="briefing_edit"),
    path("briefings/<int:pk>/publish/", views.BriefingPublish.as_view(), name="briefing_publish"),
    path("briefings/<int:pk>/annex.xlsx", views.BriefingExport.as_view(), name="briefing_export"),
    path("briefings/<int:pk>/document.docx", views.BriefingDocument.as_view(), name="briefing_document"),
    path("ratings/", views.rating_list, name="rating_list"),
    path("ratings/plaques.xlsx", views.rating_export, name="rating_export"),
    path("ratings/new/", views.RatingCreate.as_view(), name="rating_create"),
    path("ratings/<int:pk>/", views.RatingDetail.as_view(), name="rating_detail"),
    path("ratings/<int:pk>/rate/", views.RatingRate.as_view(), name="rating_rate"),
    path("ratings/<int:pk>/confirm/", views.RatingConfirm.as_view(), name="rating_confirm"),
    path("ratings/<int:pk>/return/", views.RatingReturn.as_view(), name="rating_return"),
    path("weak/", views.weak_list, name="weak_list"),
    path("weak/new/", views.WeakCreate.as_view(), name="weak_create"),
    path("weak/<int:pk>/", views.WeakDetail.as_view(), name="weak_detail"),
    path("weak/<int:pk>/plan/", views.WeakHandDown.as_view(), name="weak_hand_down"),
    path("weak/<int:pk>/lift/", views.WeakLift.as_view(), name="weak_lift"),
    path("venues/", views.venue_list, name="venue_list"),
    path("venues/record/", views.VenueSave.as_view(), name="venue_save"),
    path("venues/<int:pk>/", views.VenueDetail.as_view(), name="venue_detail"),
    path("venues/<int:pk>/hand-down/", views.VenueHandDown.as_view(), name="venue_hand_down"),
]
