"""Each city's comment procedures, read from the ``[comments]`` table of its procedures file.

``koshiki/checker/profiles/procedures/<profile>.toml`` may hold a
``[comments]`` table (what the checker's ``[comments]`` profile table does not
say: who acts, not what a comment is):

- ``moderation_review``: ``second_person`` (a hide or delete takes effect only
  after another member of the account's staff confirms it) or ``none``;
  ``moderation_clause`` cites where the guideline asks for it;
- ``reply_exceptions_clause`` and ``[[comments.reply_exceptions]]`` (``id``,
  ``label``, ``clause``): when an account's published policy says it does not
  reply, a reply draft is refused unless it names one of these (安芸高田市3(2)ア〜エ);
- ``interim_clause``, ``interim_templates`` (the texts of 「確認してお答えします」)
  and ``interim_answer_days`` (business days until the real answer is due);
- ``[comments.follow]``: ``clause``, ``allowed`` (kinds of ``FollowKind`` the
  account may follow), ``approver`` (``section_head`` when the head must
  register it: 狛江市第6条(1)「課長が認めた場合」), ``note``.

A profile without the table gets the defaults below. Every problem is a
``ProfileError`` naming the file, the key and the problem in Japanese.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from koshiki.checker.profiles import PROFILE_DIR, ProfileError, load_profile
from koshiki.comments.states import FollowKind

REVIEW_MODES = ("second_person", "none")
DEFAULT_INTERIM = ("コメントありがとうございます。担当課で確認して、改めてお答えします。",)
_KEYS = {
    "moderation_review",
    "moderation_clause",
    "reply_exceptions_clause",
    "reply_exceptions",
    "interim_clause",
    "interim_templates",
    "interim_answer_days",
    "follow",
}
_FOLLOW_KEYS = {"clause", "allowed", "approver", "note"}


@dataclass(frozen=True)
class ReplyException:
    id: str
    label: str
    clause: str


@dataclass(frozen=True)
class CommentProcedures:
    """The validated ``[comments]`` procedures of one profile."""

    moderation_review: str = "none"
    moderation_clause: str = ""
    reply_exceptions_clause: str = ""
    reply_exceptions: tuple[ReplyException, ...] = ()
    interim_clause: str = ""
    interim_templates: tuple[str, ...] = DEFAULT_INTERIM
    interim_answer_days: int = 5
    follow_clause: str = ""
    follow_allowed: tuple[str, ...] = tuple(FollowKind.values)
    follow_approver: str = ""
    follow_note: str = ""

    @property
    def needs_second_person(self) -> bool:
        return self.moderation_review == "second_person"

    def exception(self, exception_id: str) -> ReplyException | None:
        return next((e for e in self.reply_exceptions if e.id == exception_id), None)


def parse_comment_procedures(data: Mapping[str, Any], where: Any = "procedures") -> CommentProcedures:
    """Validate a ``[comments]`` table (``where`` names the file in errors)."""

    def fail(key: str, problem: str) -> ProfileError:
        return ProfileError(where, f"comments.{key}", problem)

    if not isinstance(data, Mapping):
        raise fail("", "テーブルで指定してください")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise fail(unknown[0], "不明な項目です")
    review = data.get("moderation_review", "none")
    if review not in REVIEW_MODES:
        raise fail("moderation_review", f"{' / '.join(REVIEW_MODES)} のいずれかです")
    exceptions = []
    for i, spec in enumerate(data.get("reply_exceptions", [])):
        if not isinstance(spec, Mapping) or not all(
            isinstance(spec.get(k), str) and spec.get(k) for k in ("id", "label")
        ):
            raise fail(f"reply_exceptions[{i}]", "id と label（文字列）が必要です")
        exceptions.append(ReplyException(spec["id"], spec["label"], str(spec.get("clause", ""))))
    if len({e.id for e in exceptions}) != len(exceptions):
        raise fail("reply_exceptions", "id が重複しています")
    templates = data.get("interim_templates", list(DEFAULT_INTERIM))
    if (
        not isinstance(templates, list)
        or not templates
        or not all(isinstance(t, str) and t.strip() for t in templates)
    ):
        raise fail("interim_templates", "一次回答の文例を1つ以上、文字列で並べてください")
    days = data.get("interim_answer_days", 5)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 60:
        raise fail("interim_answer_days", "1〜60 の整数で指定してください")
    follow = data.get("follow", {})
    if not isinstance(follow, Mapping):
        raise fail("follow", "テーブルで指定してください")
    unknown = sorted(set(follow) - _FOLLOW_KEYS)
    if unknown:
        raise fail(f"follow.{unknown[0]}", "不明な項目です")
    allowed = follow.get("allowed", list(FollowKind.values))
    bad = [k for k in allowed if k not in FollowKind.values]
    if bad:
        raise fail("follow.allowed", f"{' / '.join(FollowKind.values)} のいずれかです（{bad[0]!r}）")
    approver = follow.get("approver", "")
    if approver not in ("", "section_head"):
        raise fail("follow.approver", "section_head か空です")
    return CommentProcedures(
        moderation_review=review,
        moderation_clause=str(data.get("moderation_clause", "")),
        reply_exceptions_clause=str(data.get("reply_exceptions_clause", "")),
        reply_exceptions=tuple(exceptions),
        interim_clause=str(data.get("interim_clause", "")),
        interim_templates=tuple(t.strip() for t in templates),
        interim_answer_days=days,
        follow_clause=str(follow.get("clause", "")),
        follow_allowed=tuple(allowed),
        follow_approver=approver,
        follow_note=str(follow.get("note", "")),
    )


@lru_cache(maxsize=32)
def load_comment_procedures(profile_id: str) -> CommentProcedures:
    """The ``[comments]`` procedures of a profile (inherited whole from what it extends; cached)."""
    profile = load_profile(profile_id)
    where = PROFILE_DIR / "procedures" / f"{profile_id}.toml"
    return parse_comment_procedures(profile.procedures.get("comments", {}), where)
