"""What the public directory shows of an account's comment handling: its published monthly summaries."""

from __future__ import annotations

from koshiki.comments.models import TransparencySummary
from koshiki.registry.models import Account

PUBLIC_MONTHS = 12


def published_summaries(account: Account) -> list[TransparencySummary]:
    """The account's published monthly summaries, newest first (one query; no comment text, no authors)."""
    return list(TransparencySummary.objects.filter(account=account).order_by("-month")[:PUBLIC_MONTHS])
