"""What a caller may tell the checker about a post besides its text.

``CheckContext.from_dict`` is the single parser of the context object used by
the CLI's batch mode, the web application and the JSON API, so all of them
reject the same bad input with the same Japanese message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

AUTHOR_KINDS = ("official", "contractor", "influencer")
_KEYS = {"paid_third_party", "author_kind", "recent_posts", "public_contacts", "posted_at"}


class ContextError(ValueError):
    """The context object is malformed; the message is Japanese and one line."""


@dataclass(frozen=True)
class CheckContext:
    """Facts about the post that its text alone does not tell.

    - ``paid_third_party``: a post the city paid or commissioned a third party
      to publish (Kyoto 6, Ishinomaki 5); switches on the promo rules.
    - ``author_kind``: ``official`` (the city's own account), ``contractor`` or
      ``influencer``.
    - ``recent_posts``: the account's recent posts, newest first
      (``style.repetition``).
    - ``public_contacts``: phone numbers and e-mail addresses the account has
      published, allowed in posts besides the profile's own.
    - ``posted_at``: when the post is (to be) published.
    """

    paid_third_party: bool = False
    author_kind: str = "official"
    recent_posts: tuple[str, ...] = ()
    public_contacts: tuple[str, ...] = ()
    posted_at: datetime | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> CheckContext:
        """Parse and validate a JSON context object."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ContextError("context はオブジェクトで指定してください")
        unknown = sorted(set(data) - _KEYS)
        if unknown:
            raise ContextError(f"context に不明な項目があります: {', '.join(unknown)}")
        paid = data.get("paid_third_party", False)
        if not isinstance(paid, bool):
            raise ContextError("paid_third_party は true か false で指定してください")
        kind = data.get("author_kind", "official")
        if kind not in AUTHOR_KINDS:
            raise ContextError(f"author_kind は {' / '.join(AUTHOR_KINDS)} のいずれかで指定してください")
        recent = _strings(data.get("recent_posts", []), "recent_posts")
        contacts = _strings(data.get("public_contacts", []), "public_contacts")
        posted_at = data.get("posted_at")
        if posted_at is not None:
            if not isinstance(posted_at, str):
                raise ContextError("posted_at は ISO 8601 形式の日時文字列で指定してください")
            try:
                posted_at = datetime.fromisoformat(posted_at)
            except ValueError:
                raise ContextError(
                    f"posted_at の日時が読めません: {posted_at!r}（例: 2025-04-01T09:00:00+09:00）"
                ) from None
        return cls(
            paid_third_party=paid,
            author_kind=kind,
            recent_posts=recent,
            public_contacts=contacts,
            posted_at=posted_at,
        )


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ContextError(f"{name} は文字列の配列で指定してください")
    return tuple(value)
