"""App config for the shared page helpers (base templates, static files, template tags)."""

from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "koshiki.ui"
    label = "ui"
    verbose_name = "画面の共通部品"

    def ready(self) -> None:
        from django.core.validators import ProhibitNullCharactersValidator

        # Django's Japanese catalogue renders "Null characters are not allowed." as
        # 「何か文字を入力してください。」, which tells the user nothing; every form field
        # (CharField adds this validator) gets a message that states the problem.
        ProhibitNullCharactersValidator.message = (
            "ヌル文字（\\x00）は入力できません。貼り付けた文字を確認してください。"
        )
