"""Duty calendar URLs."""

from django.urls import path

from koshiki.duties import views

app_name = "duties"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("duties.xlsx", views.calendar_xlsx, name="calendar_xlsx"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("settings/", views.settings_update, name="settings"),
]
