"""URL of the self-check page (login required, any role or none)."""

from django.urls import path

from koshiki.selfcheck import views

app_name = "selfcheck"

urlpatterns = [path("", views.selfcheck, name="index")]
