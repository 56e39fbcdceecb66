from django.apps import AppConfig


class SelfcheckConfig(AppConfig):
    name = "koshiki.selfcheck"
    verbose_name = "私的な投稿のセルフチェック"
