from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """公開一覧: the public list of official accounts, open data and the verify API (no models)."""

    name = "koshiki.directory"
    label = "directory"
    verbose_name = "公式アカウントの公開一覧"
