"""Staff URLs of the registry (login required)."""

from django.urls import path

from koshiki.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.account_list, name="account_list"),
    path("attention/", views.attention, name="attention"),
    path("new/", views.application_new, name="application_new"),
    path("<int:pk>/", views.account_detail, name="account_detail"),
    path("<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("<int:pk>/policy/", views.policy_edit, name="policy_edit"),
    path("<int:pk>/policy/<str:kind>/", views.policy_edit, name="policy_edit_kind"),
    path("<int:pk>/policies/<int:version_pk>/", views.policy_version, name="policy_version"),
    path("<int:pk>/change/", views.change_notice, name="change_notice"),
    path("<int:pk>/steps/<str:step_id>/", views.step_perform, name="step"),
    path("<int:pk>/findings/waive/", views.finding_waive, name="finding_waive"),
    path("<int:pk>/security/", views.security, name="security"),
    path("<int:pk>/security/update/", views.security_update, name="security_update"),
    path("<int:pk>/roster/add/", views.roster_add, name="roster_add"),
    path("<int:pk>/roster/<int:entry_pk>/remove/", views.roster_remove, name="roster_remove"),
    path("<int:pk>/devices/add/", views.device_add, name="device_add"),
    path("<int:pk>/devices/<int:device_pk>/approve/", views.device_approve, name="device_approve"),
    path("<int:pk>/devices/<int:device_pk>/retire/", views.device_retire, name="device_retire"),
    path("<int:pk>/apps/add/", views.app_add, name="app_add"),
    path("<int:pk>/apps/<int:app_pk>/revoke/", views.app_revoke, name="app_revoke"),
]
