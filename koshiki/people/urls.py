"""Organisation URLs."""

from django.urls import path

from koshiki.people import views

app_name = "org"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("units/add/", views.unit_create, name="unit_create"),
    path("units/rename/", views.unit_rename, name="unit_rename"),
    path("people/add/", views.person_create, name="person_create"),
    path("roles/add/", views.role_assign, name="role_assign"),
    path("roles/<int:pk>/end/", views.role_end, name="role_end"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/template.csv", views.transfers_template, name="transfers_template"),
]
