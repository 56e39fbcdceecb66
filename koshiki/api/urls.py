"""API URLs: the check endpoint, its OpenAPI document, and the staff page for tokens."""

from django.urls import path

from koshiki.api import views

app_name = "api"

urlpatterns = [
    path("check", views.check, name="check"),
    path("openapi.json", views.openapi, name="openapi"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
