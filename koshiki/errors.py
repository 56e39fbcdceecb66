"""The error every action raises when a change is refused for a reason other than permission.

``ActionError("この申請は既に承認されています")``: the message is Japanese, one
line, and is shown to the user as is. Permission refusals are Django's
``PermissionDenied`` with a Japanese message (raised through ``require``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class ActionError(Exception):
    """A state change was refused: wrong state, missing input or a broken precondition."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def require(allowed: bool, message: str) -> None:
    """Raise ``PermissionDenied`` with a Japanese ``message`` unless ``allowed``.

    Every ``access`` module's decisions end here (``require(can_edit_account(user, a), "...")``).
    """
    if not allowed:
        raise PermissionDenied(message)
