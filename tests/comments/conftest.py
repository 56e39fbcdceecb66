"""Fixtures for the comment tests, built from the shared personas (``tests.web.factories``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from koshiki.comments import actions
from koshiki.comments.importers import CommentInput
from koshiki.comments.states import Source
from tests.personas import account_in, make_city

JST = ZoneInfo("Asia/Tokyo")


def comment_input(
    text: str, author: str = "minato_taro", minutes_ago: float = 0, **extra: Any
) -> CommentInput:
    posted = timezone.now().astimezone(JST) - timedelta(minutes=minutes_ago)
    return CommentInput(author=author, text=text, posted_at=posted, **extra)


def add_comment(account: Any, actor: Any, text: str, **kwargs: Any) -> Any:
    """One pasted comment, imported through the real action; returns the stored Comment."""
    result = actions.do_import_comments(actor, account, [comment_input(text, **kwargs)], source=Source.PASTE)
    return result.created[0]


@pytest.fixture
def kyoto(db):  # noqa: ANN001
    """京都市 profile: two sections, a listed account of section a that replies as needed."""
    city = make_city("kyoto")
    city.account = account_in(city, "listed", reply_policy="as_needed")
    return city


@pytest.fixture
def when() -> datetime:
    return timezone.now()
