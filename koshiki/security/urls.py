"""Second-factor URLs: the code page and enrolment (before the factor), own status, the office's pages."""

from django.urls import path

from koshiki.security import views

app_name = "security"

urlpatterns = [
    path("", views.index, name="index"),
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("people/", views.people, name="people"),
    path("people/reset/", views.reset, name="reset"),
]
