from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "koshiki.attachments"
    verbose_name = "添付画像・動画"
