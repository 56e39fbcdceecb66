"""Staff URLs of the forms and exports (login required, read only)."""

from django.urls import path

from koshiki.documents import views

app_name = "documents"

urlpatterns = [
    path("accounts/<int:pk>/forms/<str:form_id>.<str:fmt>", views.account_form, name="account_form"),
    path("accounts/<int:pk>/copies/<int:copy_pk>/", views.form_copy, name="form_copy"),
    path("accounts/<int:pk>/roster.xlsx", views.roster_xlsx, name="roster_xlsx"),
    path("registry.xlsx", views.registry_xlsx, name="registry_xlsx"),
]
