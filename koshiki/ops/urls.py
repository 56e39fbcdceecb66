"""Operations URLs: the health check (no login, no secrets)."""

from django.urls import path

from koshiki.ops import views

app_name = "ops"

urlpatterns = [path("healthz", views.healthz, name="healthz")]
