"""Committee meeting URLs."""

from django.urls import path

from koshiki.committees import views

app_name = "committees"

urlpatterns = [
    path("", views.meetings, name="list"),
    path("<int:pk>/", views.meeting, name="meeting"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/vote/<int:account_pk>/", views.vote, name="vote"),
    path("<int:pk>/decide/<int:account_pk>/", views.decide, name="decide"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/minutes.docx", views.minutes_docx, name="minutes"),
]
