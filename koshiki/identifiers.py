"""Login IDs and account handles that cannot pass for someone else's (issue 10 item 4).

A reviewer created a second login for an operator whose ID differed from the
real one by a zero-width space; an approver saw "the same" ID twice. This
module is the ground-floor check every app uses (pure Python, no Django):

- ``normalise_login_id``: NFKC, then refuses spaces (Zs), control characters
  (Cc), format characters such as the zero-width space and the bidi marks (Cf),
  anything outside letters, digits and ``. _ - @ +``, and mixed scripts (Latin
  with Cyrillic, …; Japanese Han/Hiragana/Katakana with Latin counts as one
  script, as in UTS #39 "highly restrictive");
- ``skeleton``: what two IDs look like to a person (NFKC, casefold, invisibles
  removed, the Cyrillic and Greek letters that look Latin mapped to it), so a
  new ID with the skeleton of an existing one is refused (``confusable_with``);
- ``validate_handle``: an account's handle by its platform's own syntax, kept
  as data in ``HANDLE_SYNTAX``.

Every refusal is an ``IdentifierError`` with a one-line Japanese message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MAX_LOGIN_ID = 150
_LOGIN_PUNCTUATION = frozenset(".-_@+")
# Scripts that Japanese writing mixes on purpose (UTS #39 "highly restrictive": Latin + Han + Hiragana + Katakana).
_JAPANESE = frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"})
# Letters of other scripts drawn like Latin ones (Unicode confusables.txt, the common subset).
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "ԛ": "q", "ԝ": "w", "ӏ": "l", "һ": "h", "ѵ": "v",
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "γ": "y",
    }
)  # fmt: skip


class IdentifierError(ValueError):
    """A login ID or handle was refused; the message is Japanese and one line."""


def _invisible(ch: str) -> bool:
    """Spaces, control and format characters (Zs, Cc, Cf), and the other default-ignorables."""
    return unicodedata.category(ch) in ("Zs", "Zl", "Zp", "Cc", "Cf") or ch in "\u115f\u1160\u3164\uffa0"


def _script(ch: str) -> str | None:
    """The script of a letter, read from its Unicode name (None for digits and punctuation)."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    name = unicodedata.name(ch, "")
    if name.startswith(("CJK ", "KANGXI")) or "IDEOGRAPH" in name:
        return "HAN"
    if name.startswith(("HALFWIDTH KATAKANA", "KATAKANA")):
        return "KATAKANA"
    return name.split(" ", 1)[0] or "UNKNOWN"


def scripts_of(text: str) -> set[str]:
    """The scripts of the letters in ``text`` (digits and punctuation belong to none)."""
    return {s for s in map(_script, text) if s is not None}


def _check_single_script(text: str, what: str) -> None:
    scripts = scripts_of(text)
    if len(scripts) > 1 and not scripts <= _JAPANESE:
        raise IdentifierError(f"{what}に複数の文字体系（{'・'.join(sorted(scripts))}）が混ざっています")


def _check_visible(text: str, what: str) -> None:
    for ch in text:
        if _invisible(ch):
            name = unicodedata.name(ch, f"U+{ord(ch):04X}")
            raise IdentifierError(f"{what}に空白・制御文字・見えない文字（{name}）は使えません")


def normalise_login_id(value: str) -> str:
    """The login ID as stored (NFKC), or ``IdentifierError`` saying what is wrong with it."""
    text = unicodedata.normalize("NFKC", value or "")
    if not text:
        raise IdentifierError("ログインIDを入力してください")
    if len(text) > MAX_LOGIN_ID:
        raise IdentifierError(f"ログインIDは{MAX_LOGIN_ID}文字以内にしてください")
    _check_visible(text, "ログインID")
    for ch in text:
        if not (unicodedata.category(ch)[0] in "LNM" or ch in _LOGIN_PUNCTUATION):
            raise IdentifierError(f"ログインIDに使える記号は「. _ - @ +」だけです（「{ch}」は使えません）")
    _check_single_script(text, "ログインID")
    return text


def skeleton(value: str) -> str:
    """What an identifier looks like to a person: NFKC, casefolded, invisibles removed, homoglyphs to Latin."""
    text = unicodedata.normalize("NFKC", value or "").casefold()
    text = "".join(ch for ch in text if not _invisible(ch))
    return unicodedata.normalize("NFKC", text.translate(_HOMOGLYPHS))


def confusable_with(value: str, existing: Iterable[str]) -> str | None:
    """The first of ``existing`` that looks the same as ``value`` (same skeleton), or None."""
    target = skeleton(value)
    for other in existing:
        if skeleton(other) == target:
            return other
    return None


@dataclass(frozen=True, slots=True)
class HandleSyntax:
    """What a platform accepts as an account name: a pattern and its description for people."""

    pattern: str
    description: str


# Each platform's own rules for the name after "@" (their help pages, 2025); "other" is the generic check only.
HANDLE_SYNTAX: dict[str, HandleSyntax] = {
    "x": HandleSyntax(r"[A-Za-z0-9_]{1,15}", "半角英数字とアンダースコア（_）で15文字まで"),
    "instagram": HandleSyntax(r"[A-Za-z0-9._]{1,30}", "半角英数字、ピリオド（.）、アンダースコア（_）で30文字まで"),
    "facebook": HandleSyntax(r"[A-Za-z0-9.]{1,50}", "半角英数字とピリオド（.）で50文字まで（数字のIDも可）"),
    "line": HandleSyntax(r"[A-Za-z0-9._-]{1,20}", "半角英数字、ピリオド（.）、アンダースコア（_）、ハイフン（-）で20文字まで"),
    "youtube": HandleSyntax(
        r"(?:UC[A-Za-z0-9_-]{22}|[\w.-]{3,30})",
        "3〜30文字の文字・数字・ピリオド（.）・アンダースコア（_）・ハイフン（-）、またはチャンネルID（UC…）",
    ),
    "other": HandleSyntax(r"[^\s/?#]{1,100}", "空白と「/ ? #」を含まない100文字まで"),
}  # fmt: skip


def validate_handle(platform: str, value: str) -> str:
    """The handle as stored (NFKC, no ``@``), checked against ``platform``'s syntax; empty stays empty."""
    text = unicodedata.normalize("NFKC", (value or "").strip()).lstrip("@")
    if not text:
        return ""
    _check_visible(text, "ID（ユーザー名）")
    _check_single_script(text, "ID（ユーザー名）")
    syntax = HANDLE_SYNTAX.get(platform, HANDLE_SYNTAX["other"])
    if not re.fullmatch(syntax.pattern, text):
        raise IdentifierError(
            f"ID（ユーザー名）「{text}」はこのサービスの形式に合いません（{syntax.description}）"
        )
    return text
