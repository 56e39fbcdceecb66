"""Auditor URLs."""

from django.urls import path

from koshiki.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("export.csv", views.export_csv, name="export"),
    path("verify/", views.verify, name="verify"),
    path("exports/", views.export_list, name="exports"),
    path("exports/<int:pk>/download", views.export_download, name="export_download"),
]
