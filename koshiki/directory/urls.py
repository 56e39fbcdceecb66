"""Public URLs, mounted under ``/public/`` (no login).

``/public/accounts/`` is the whole installation's directory (one city: its
list; several: an index of cities); ``/public/<city>/accounts/`` with its
``.json``, ``.csv``, ``verify`` and ``check`` is one city's (issue 9 item 6).
"""

from django.urls import path

from koshiki.directory import views

app_name = "directory"

urlpatterns = [
    path("accounts/", views.account_list, name="accounts"),
    path("accounts/<int:pk>/", views.account_policy, name="policy"),
    path("accounts.json", views.accounts_json, name="accounts_json"),
    path("accounts.csv", views.accounts_csv, name="accounts_csv"),
    path("verify", views.verify, name="verify"),
    path("<slug:city>/accounts/", views.account_list, name="city_accounts"),
    path("<slug:city>/accounts.json", views.accounts_json, name="city_accounts_json"),
    path("<slug:city>/accounts.csv", views.accounts_csv, name="city_accounts_csv"),
    path("<slug:city>/verify", views.verify, name="city_verify"),
    path("<slug:city>/check", views.check, name="city_check"),
    path("check", views.check, name="check"),
]
