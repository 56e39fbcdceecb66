from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "koshiki.documents"
    label = "documents"
    verbose_name = "様式と帳票"
    default_auto_field = "django.db.models.BigAutoField"
