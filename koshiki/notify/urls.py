"""Inbox URLs (「あなたの対応待ち」)."""

from django.urls import path

from koshiki.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("read-all/", views.read_all, name="read_all"),
    path("settings/", views.settings_page, name="settings"),
]
