"""URLs of the incident pages (staff, login required)."""

from django.urls import path

from koshiki.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.incident_new, name="new"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/steps/<slug:step_id>/", views.incident_step, name="step"),
    path("<int:pk>/evidence/", views.incident_evidence, name="evidence"),
    path("<int:pk>/evidence/<int:evidence_pk>/file", views.evidence_file, name="evidence_file"),
    path("<int:pk>/note/", views.incident_note, name="note"),
    path("<int:pk>/second/", views.incident_second, name="second"),
    path("<int:pk>/impersonation/", views.incident_impersonation, name="impersonation"),
    path("<int:pk>/notice/", views.incident_notice, name="notice"),
    path("<int:pk>/close/", views.incident_close, name="close"),
    path("accounts/<int:pk>/freeze/", views.account_freeze, name="freeze"),
    path("accounts/<int:pk>/unfreeze/", views.account_unfreeze, name="unfreeze"),
    path("freeze-all/", views.freeze_all, name="freeze_all"),
    path("unfreeze-all/", views.unfreeze_all, name="unfreeze_all"),
]
