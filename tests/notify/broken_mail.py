"""A mail backend whose relay refuses every connection (for the retry test)."""

from django.core.mail.backends.base import BaseEmailBackend


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):  # noqa: ANN001, ANN201
        raise ConnectionRefusedError("LGWAN中継サーバーに接続できません")
