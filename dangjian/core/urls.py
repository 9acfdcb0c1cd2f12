from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import file_views, ops, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", ops.health, name="health"),
    path("metrics", ops.metrics, name="metrics"),
    path("search/", views.search, name="search"),
    path("audit/", views.audit_log, name="audit_log"),
    path("parameters/", views.parameters, name="parameters"),
    path("attachments/<int:pk>/", file_views.attachment_download, name="attachment_download"),
    path("documents/", file_views.document_templates, name="document_templates"),
    path(
        "documents/<str:key>/template/",
        file_views.document_template_download,
        name="document_template_download",
    ),
    path("jobs/", include("dangjian.core.job_urls", namespace="jobs")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
