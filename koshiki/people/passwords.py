"""A password validator that refuses guessable passwords of any length (issue 10 item 6).

Django's ``CommonPasswordValidator`` list has 20,000 entries but fewer than 200
of 12 characters or more, so beside a 12-character minimum it refuses almost
nothing ("Password2025!", "qwertyuiop123" pass it). This validator adds:

- **zxcvbn** (MIT; its frequency lists are the common-password list of about
  30,000 leaked passwords, English words, names and keyboard patterns): the
  password must need at least 10^10 guesses (``MIN_GUESSES_LOG10``) once
  dictionary words, l33t, keyboard walks, years, repeats and the person's own
  login ID and name are accounted for;
- the names attackers try first against a city's staff, which zxcvbn's lists
  do not know: the product (koshiki, 公式, コウシキ) and every municipality in
  the installation — its name in kanji, its reading in katakana and hiragana,
  its romaji (profile id, the labels of its web address) — with "password"
  and パスワード. A password that is only such words with digits and symbols
  around them is refused.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from zxcvbn import zxcvbn

from koshiki.checker.tokens import reading
from koshiki.org.models import Municipality

MIN_GUESSES_LOG10 = 10
# zxcvbn's cost grows with length; a passphrase this long is not a common password.
MAX_CHECKED = 64
PRODUCT_WORDS = ("koshiki", "kousiki", "koushiki", "公式", "コウシキ", "こうしき")
GENERIC_WORDS = ("password", "passwd", "pasuwado", "pasuwaado", "パスワード", "ぱすわーど")
# Parts of a city's web address that name no city.
_HOST_NOISE = {
    "www",
    "city",
    "town",
    "vill",
    "village",
    "pref",
    "lg",
    "jp",
    "go",
    "or",
    "ne",
    "co",
    "example",
    "com",
}
_SUFFIXES = ("市", "町", "村", "区")
_LEFTOVER_LETTERS = 4  # fewer letters than this beside the names: the password is the names


def _hiragana(katakana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in katakana)


def city_words(municipality: Municipality) -> set[str]:
    """What a city's staff would type for its name: 京都市, 京都, キョウト, きょうと, kyoto, …"""
    words = {municipality.name, municipality.profile_id}
    base = municipality.name
    for suffix in _SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix):
            base = base[: -len(suffix)]
    words.add(base)
    for name in (municipality.name, base):
        kana = reading(name)
        words |= {kana, _hiragana(kana)}
    host = re.sub(r"^https?://", "", municipality.website or "").split("/", 1)[0]
    words |= {label for label in host.split(".") if label and label not in _HOST_NOISE}
    return {_fold(w) for w in words if w and len(w) >= 2 and w != "standard"}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def known_words() -> set[str]:
    """The product's names, the generic ones and every municipality's (a few queries; cities are few)."""
    words = {_fold(w) for w in PRODUCT_WORDS + GENERIC_WORDS}
    for municipality in Municipality.objects.all():
        words |= city_words(municipality)
    return words


def only_known_words(password: str, words: set[str]) -> str | None:
    """The first known word the password is made of (with digits and symbols around it), or None."""
    text = _fold(password)
    found = None
    for word in sorted(words, key=len, reverse=True):
        if word in text:
            found = found or word
            text = text.replace(word, "")
    if found is None:
        return None
    letters = [c for c in text if unicodedata.category(c).startswith("L")]
    return found if len(letters) < _LEFTOVER_LETTERS else None


class GuessablePasswordValidator:
    """Refuse passwords zxcvbn can guess, and those made of the city's or the product's name."""

    def validate(self, password: str, user: Any = None) -> None:
        words = known_words()
        word = only_known_words(password, words)
        if word is not None:
            raise ValidationError(
                f"自治体名や製品名（「{word}」）に数字や記号を足しただけのパスワードは推測されやすいため使えません。",
                code="password_known_word",
            )
        if len(password) > MAX_CHECKED:
            return
        inputs = sorted(words)
        if user is not None:
            inputs += [
                str(getattr(user, f, "") or "") for f in ("username", "first_name", "last_name", "email")
            ]
        # "koho.yamamoto" and "hanako.yamamoto@city…" as their pieces too: zxcvbn matches whole inputs only.
        inputs += [piece for i in inputs for piece in re.split(r"[\W_]+", i) if len(piece) >= 3]
        result = zxcvbn(password, user_inputs=[i for i in inputs if i])
        if result["guesses_log10"] < MIN_GUESSES_LOG10:
            raise ValidationError(
                "このパスワードはよく使われる言葉や並び（単語・キーボードの並び・年号・繰り返しなど）から"
                "推測されやすいため使えません。関係のない言葉を3つ以上つなげるなど、長く推測しにくいものにしてください。",
                code="password_guessable",
            )

    def get_help_text(self) -> str:
        return "よく使われるパスワードや、自治体名・製品名に数字を足しただけのものは使えません。"
