"""Public URLs, mounted under ``/public/`` (no login)."""

from django.urls import path

from koshiki.directory import views

app_name = "directory"

urlpatterns = [
    path("accounts/", views.account_list, name="accounts"),
    path("accounts/<int:pk>/", views.account_policy, name="policy"),
    path("accounts.json", views.accounts_json, name="accounts_json"),
    path("accounts.csv", views.accounts_csv, name="accounts_csv"),
    path("verify", views.verify, name="verify"),
    path("check", views.check, name="check"),
]
