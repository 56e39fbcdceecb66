"""App config of the official forms and exports; it files a step's forms through the registry's ``step_filers``."""

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "koshiki.documents"
    label = "documents"
    verbose_name = "様式と帳票"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from koshiki.documents.steps import file_step_forms

        # Run by registry.actions.engine inside every lifecycle step's transaction.
        self.step_filers = (file_step_forms,)
