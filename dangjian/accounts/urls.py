from django.urls import path

from . import views

urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("new/", views.user_create, name="user_create"),
    path("<int:pk>/", views.user_detail, name="user_detail"),
    path("<int:pk>/roles/", views.assignment_add, name="assignment_add"),
    path("roles/<int:pk>/remove/", views.assignment_remove, name="assignment_remove"),
    path("<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("<int:pk>/person/", views.user_link_person, name="user_link_person"),
    path("<int:pk>/password/", views.user_reset_password, name="user_reset_password"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/revoke/", views.token_revoke, name="token_revoke"),
]
