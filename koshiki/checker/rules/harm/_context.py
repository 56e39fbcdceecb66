"""Candidates and context checks shared by the five harm rules.

All harm words live in one lexicon (``lexicons/harm.toml``) so that a post is
scanned by ONE automaton pass, whose result is cached in ``Text.memo`` and
shared by the five rules. Most listed words are only candidates: a municipal
post may mention them to warn against them (「飲酒運転は絶対にやめましょう」),
to name a law (障害者差別解消法), to quote them as words (「『バカ』『死ね』などの
言葉」) or as a title (『バカの壁』). The helpers here decide those cases; each
rule supplies its own list of warning words, because what neutralises a word
differs by rule (「注意」 clears a drug word, not an insult).

Cost: the automaton pass is linear in the post; SudachiPy runs only when a
candidate needs a word-boundary check; every context check looks at a window
of at most ``_REACH`` characters around the candidate, so a post with many
candidates stays linear.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from koshiki.checker.lexicon import Match, load_lexicon
from koshiki.checker.text import Text
from koshiki.checker.tokens import Token

LEXICON = "harm"
EXEMPT = "exempt"

# A sentence ends at these; the context of a candidate is its own sentence.
_TERMINATORS = frozenset("。！？!?\n")
# How far a sentence may reach on each side of a candidate (keeps checks linear).
_REACH = 80
_OPEN_QUOTES = "「『\"“'‘"
_CLOSE_QUOTES = "」』\"”'’"
# A warning word loses its force when it is conceded: 「違法だけど大丈夫」「犯罪ですが、バレなければ」.
_CONCESSIVE = re.compile(
    r"(?:です|だ|でした|だった|されています|されてる)(?:が|けど|けれど)|けど|けれど|でも"
)
# Names of laws and ordinances: a run of kanji/katakana ending in 法・法律・条例.
_LAW_TAIL = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff]{0,16}?(?:法律|法|条例)(?![\u4e00-\u9fff])")
_FORM_TAGS = frozenset({"no-noun-before", "no-noun-after", "no-of-before", "not-adverb"})
# Nouns used as intensifiers: 「ほんとバカ」「マジでアホ」 are no compound like 親バカ.
_INTENSIFIERS = frozenset({"ほんと", "ホント", "本当", "マジ", "まじ", "ガチ", "超", "ド"})
_NOT_LAW = ("方法", "手法", "療法", "用法", "作法", "文法", "寸法", "違法", "不法", "合法", "無法")


def candidates(text: Text, rule_id: str) -> list[Match]:
    """The lexicon matches of one harm rule, exempt entries removed (one scan per post)."""
    matches = text.memo.get(LEXICON)
    if matches is None:
        matches = load_lexicon(LEXICON).find(text)
        text.memo[LEXICON] = matches
    assert isinstance(matches, list)
    return [m for m in matches if m.entry.rule == rule_id and EXEMPT not in m.entry.tags]


def sentence(norm: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence around ``[start, end)``, at most ``_REACH`` beyond each side."""
    a = start
    low = max(0, start - _REACH)
    while a > low and norm[a - 1] not in _TERMINATORS:
        a -= 1
    b = end
    high = min(len(norm), end + _REACH)
    while b < high and norm[b] not in _TERMINATORS:
        b += 1
    return a, b


def sentences_with(norm: str, anchor: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """Bounds of each sentence holding ``anchor``, each sentence once, in text order.

    One regex pass over the post; the caller then runs its phrase patterns on these
    short sentences only, which keeps a bounded-gap pattern linear in the post.
    """
    done = 0
    for m in anchor.finditer(norm):
        if m.start() < done:
            continue
        a, b = sentence(norm, m.start(), m.end())
        # Windows never overlap (only possible in text without sentence ends), so
        # no stretch of the post is searched twice.
        a = max(a, done)
        done = max(b, m.end())
        yield a, b


def context(norm: str, start: int, end: int) -> str:
    """The candidate's sentence with the candidate itself blanked out.

    Blanking keeps a warning word that is part of the candidate (違法 in
    違法ダウンロード) from clearing the candidate.
    """
    a, b = sentence(norm, start, end)
    return norm[a:start] + "\x00" + norm[end:b]


def has_marker(pattern: re.Pattern[str], ctx: str) -> bool:
    """True when ``pattern`` occurs in ``ctx`` other than as a conceded warning."""
    return any(not _CONCESSIVE.match(ctx, m.end()) for m in pattern.finditer(ctx))


def is_mention(norm: str, start: int, end: int) -> bool:
    """The word is quoted as a word (「バカ」「死ね」などの言葉) or sits in a title (『白痴』)."""
    if start > 0 and end < len(norm) and norm[start - 1] in _OPEN_QUOTES and norm[end] in _CLOSE_QUOTES:
        return True
    return in_title(norm, start, end)


def in_title(norm: str, start: int, end: int) -> bool:
    """Inside 『...』 within the same sentence: a title of a work, not the author's words."""
    a, b = sentence(norm, start, end)
    before = norm.rfind("『", a, start)
    if before < 0 or norm.find("』", before, start) >= 0:
        return False
    return norm.find("』", end, b) >= 0


def in_quote(norm: str, start: int, end: int) -> bool:
    """Inside a 「...」 quotation within the same sentence."""
    a, b = sentence(norm, start, end)
    before = norm.rfind("「", a, start)
    if before < 0 or norm.find("」", before, start) >= 0:
        return False
    return norm.find("」", end, b) >= 0


def in_law_name(norm: str, end: int) -> bool:
    """The word is part of a law's name (らい予防法, 精神薄弱者福祉法, ...規制条例)."""
    m = _LAW_TAIL.match(norm, end)
    return m is not None and not m.group().endswith(_NOT_LAW)


def post_has(text: Text, key: str, pattern: re.Pattern[str]) -> bool:
    """Whether the whole post matches ``pattern`` (searched once per post and key)."""
    memo_key = f"harm.post.{key}"
    found = text.memo.get(memo_key)
    if found is None:
        found = pattern.search(text.norm) is not None
        text.memo[memo_key] = found
    return bool(found)


def neighbours(text: Text, start: int, end: int) -> tuple[Token | None, Token | None]:
    """The morphemes directly before ``start`` and directly after ``end``."""
    tokens = text.tokens
    i = tokens.index_at(start)
    before = tokens.items[i - 1] if i is not None and i > 0 else None
    if before is not None and before.end != start:
        before = None
    j = tokens.index_at(end)
    after = tokens.items[j] if j is not None else None
    return before, after


def is_noun(token: Token | None) -> bool:
    """A noun or a noun-like suffix (名詞, 接尾辞-名詞的): the word is part of a compound."""
    if token is None:
        return False
    return token.pos[0] == "名詞" or (token.pos[0] == "接尾辞" and token.pos[1] == "名詞的")


def compound_blocked(text: Text, m: Match) -> bool:
    """The word is part of something larger, per the entry's tags.

    ``no-noun-before`` / ``no-noun-after``: a compound (親バカ, 野菜クズ, くず餅);
    ``no-of-before``: a literal phrase with の (ご飯のカス, 紙のくず);
    ``not-adverb``: SudachiPy reads it as an intensifier adverb (ばかうけ).
    """
    tags = m.entry.tags
    if not _FORM_TAGS.intersection(tags):
        return False
    before, after = neighbours(text, m.start, m.end)
    if (
        "no-noun-before" in tags
        and is_noun(before)
        and before is not None
        and before.surface not in _INTENSIFIERS
    ):
        return True
    if "no-of-before" in tags and before is not None and before.surface == "の" and before.pos[0] == "助詞":
        return True
    if "not-adverb" in tags:
        i = text.tokens.index_at(m.start)
        if i is not None and text.tokens.items[i].pos[0] == "副詞":
            return True
    return "no-noun-after" in tags and is_noun(after)


def original(text: Text, start: int, end: int) -> str:
    """What the author typed for a normalised span (for messages)."""
    a, b = text.to_original(start, end)
    return text.original[a:b]


def first_match(pattern: re.Pattern[str], ctx: str) -> str | None:
    """The first occurrence of ``pattern`` in ``ctx`` (for messages), or None."""
    m = pattern.search(ctx)
    return m.group() if m else None


def iter_unique(matches: list[Match]) -> Iterator[Match]:
    """Matches with distinct spans (variants of one entry can match the same place)."""
    seen: set[tuple[int, int]] = set()
    for m in matches:
        if (m.start, m.end) not in seen:
            seen.add((m.start, m.end))
            yield m


class Taken:
    """Spans already reported by a rule, for overlap tests that stay cheap on long posts.

    ``overlaps`` looks only at spans starting within ``longest`` characters before the
    query, found by bisection, so a post with many findings is not quadratic.
    """

    __slots__ = ("_starts", "_ends", "_longest")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._longest = 0

    def add(self, start: int, end: int) -> None:
        i = bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)
        self._longest = max(self._longest, end - start)

    def overlaps(self, start: int, end: int) -> bool:
        j = bisect_left(self._starts, end) - 1
        while j >= 0 and self._starts[j] >= start - self._longest:
            if self._ends[j] > start:
                return True
            j -= 1
        return False
