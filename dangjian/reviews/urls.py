"""URLs of duty-report evaluation (namespace "reviews")."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("new/", views.session_create, name="session_create"),
    path("<int:pk>/", views.session_detail, name="session_detail"),
    path("<int:pk>/edit/", views.SessionEdit.as_view(), name="session_edit"),
    path("<int:pk>/sheet/", views.SessionSheet.as_view(), name="session_sheet"),
    path("<int:pk>/reporters/new/", views.reporter_add, name="reporter_add"),
    path("<int:pk>/open/", views.session_open, name="session_open"),
    path("<int:pk>/close/", views.session_close, name="session_close"),
    path("<int:pk>/credentials/", views.credential_sheet, name="credential_sheet"),
    path("<int:pk>/credentials/issue/", views.credentials_issue, name="credentials_issue"),
    path("credentials/<int:pk>/revoke/", views.credential_revoke, name="credential_revoke"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.xlsx", views.results_export, name="results_export"),
    path("<int:pk>/ballots.xlsx", views.ballots_export, name="ballots_export"),
    path("<int:pk>/notice.docx", views.results_notice, name="results_notice"),
    path("reporters/<int:pk>/", views.reporter_detail, name="reporter_detail"),
    path("reporters/<int:pk>/report/", views.ReportFile.as_view(), name="report_file"),
    path("reporters/<int:pk>/move/", views.reporter_move, name="reporter_move"),
    path("reporters/<int:pk>/scoring/open/", views.scoring_open, name="scoring_open"),
    path("reporters/<int:pk>/scoring/close/", views.scoring_close, name="scoring_close"),
    path("reporters/<int:pk>/questions/new/", views.question_add, name="question_add"),
    path("reporters/<int:pk>/comments/new/", views.comment_add, name="comment_add"),
    path("reporters/<int:pk>/hand-over/", views.HandOver.as_view(), name="hand_over"),
    # Without an account: the big screen's view link and the rater's credential.
    path("screen/<str:token>/", views.screen, name="screen"),
    path("screen/<str:token>/live/", views.screen_live, name="screen_live"),
    path("vote/", views.vote_entry, name="vote_entry"),
    path("vote/<str:code>/", views.vote, name="vote"),
]
