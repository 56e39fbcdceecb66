"""The one parser of a paid post's disclosure, shared by the four promo rules.

Kyoto 6(1) and Ishinomaki 5 accept two ways to disclose a commissioned post:

- ア / (1) hashtags: a relation tag (#プロモーション #PR #宣伝 #広告; Ishinomaki
  "など") directly followed by the marketing subject tag (#京都市), and the
  pair before any other hashtag;
- イ / (2) a sentence that states the relation (「京都市のPR案件としての投稿です」
  「【PR】京都市」).

``parse`` reads the post once into a ``Disclosure`` (cached in ``Text.memo``
per profile); each rule only looks at the part it reports on, so the rules
never disagree about what the post discloses.

Hashtags: ``#`` followed by word characters, up to whitespace, punctuation or
the next ``#`` (``#PR#京都市`` is two tags). Full-width ``＃`` and ``ＰＲ`` are
folded by the text normalisation. A ``#`` right after ASCII letters, digits or
URL punctuation (``page.html#top``) starts no tag, except inside a chain of
tags written without spaces.

The subject is the profile's ``marketing_subject`` (a name or a list of
names); an 実行委員会 or 協議会 tag is always accepted too (Kyoto 6(2):
「#PR#▲▲実行委員会」, where a committee, not the city, commissions the post).
A profile without a subject (standard) accepts any municipality tag: a place
name followed by 市・町・村・区・都・府・県 (SudachiPy tells place names, so
#朝市 and #蚤の市 are not subjects), or an 実行委員会/協議会 tag.

Cost: one regex pass for the hashtags and one for the sentences; SudachiPy
runs only on tag bodies in the standard profile (cached per body).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick_rs

from koshiki.checker.lexicon import fold_term
from koshiki.checker.text import Text

RELATION, NEAR, SUBJECT, FUSED, OTHER = "relation", "near_relation", "subject", "fused", "other"

_TAG = re.compile(r"#([\w・]+)")
# A "#" after these is part of a URL, an HTML entity or a word, not a tag.
_NOT_BEFORE_TAG = frozenset("abcdefghijklmnopqrstuvwxyz0123456789&/=?.%_-")
_DEFAULT_RELATIONS = ("プロモーション", "PR", "宣伝", "広告")
_COMMITTEE = ("実行委員会", "協議会")
_MUNICIPAL_SUFFIXES = frozenset("市町村区都府県")
# Words that state the relation in a sentence (イ): the guideline's examples
# use PR / プロモーション / 広告; a commission stated as such is as explicit.
_SENTENCE_RELATIONS = (
    "pr",
    "プロモーション",
    "広告",
    "宣伝",
    "タイアップ",
    "提供",
    "協賛",
    "依頼",
    "委託",
    "スポンサー",
)
_JA = r"\u3005\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff"


@dataclass(frozen=True, slots=True)
class Tag:
    """A hashtag at ``[start, end)`` of the normalised text (``#`` included)."""

    start: int
    end: int
    body: str  # normalised, without "#"
    kind: str  # RELATION, NEAR, SUBJECT, FUSED or OTHER
    split: tuple[str, str, str] | None = None  # FUSED: (relation, subject, rest of the tag)

    @property
    def surface(self) -> str:
        return "#" + self.body


@dataclass(frozen=True, slots=True)
class Disclosure:
    """What a post discloses about its relation to the marketing subject."""

    tags: tuple[Tag, ...]
    sentence: tuple[int, int] | None  # an explicit relation sentence (イ)
    pair: tuple[Tag, Tag] | None  # first relation tag directly followed by the subject tag
    relation_shown: str  # the relation tag to suggest, e.g. "#PR"
    subject_shown: str  # the subject tag to suggest, e.g. "#京都市"
    accepted_relations: str  # e.g. "#プロモーション #PR #宣伝 #広告", for messages
    post_span: tuple[int, int]  # the post without surrounding whitespace
    display: dict[str, str]  # folded relation/subject body -> configured spelling

    @property
    def disclosed(self) -> bool:
        """True when method ア (the pair) or イ (a sentence) is present."""
        return self.sentence is not None or self.pair is not None

    def of_kind(self, kind: str) -> list[Tag]:
        return [t for t in self.tags if t.kind == kind]

    def reversed_pair(self) -> tuple[Tag, Tag] | None:
        """The first subject tag and the first relation tag after it, if any."""
        subject = next((t for t in self.tags if t.kind == SUBJECT), None)
        if subject is None:
            return None
        relation = next((t for t in self.tags if t.kind == RELATION and t.start > subject.start), None)
        return (subject, relation) if relation else None

    def shown(self, body: str) -> str:
        """The display form of a relation or subject body (``pr`` -> ``#PR``)."""
        return "#" + self.display.get(body, body)

    def others_before(self, tag: Tag) -> list[Tag]:
        return [t for t in self.tags if t.kind == OTHER and t.end <= tag.start]


@dataclass(frozen=True)
class _Config:
    relations: dict[str, str]  # folded body -> display
    near: dict[str, str]  # relation-like tags the profile does not accept
    subjects: dict[str, str]  # folded body -> display; empty: any municipality
    sentence: re.Pattern[str]
    # One of these words must occur for a sentence to be possible (cheap pre-filter).
    sentence_words: ahocorasick_rs.AhoCorasick
    fused_head: re.Pattern[str]  # (relation)(rest): #PR京都市
    fused_tail: re.Pattern[str]  # (head)(relation): #京都市PR


def quote(text: Text, tag: Tag) -> str:
    """The tag as the author wrote it (full-width ＃ and ＰＲ kept), for messages."""
    return text.quote(tag.start, tag.end)


def _names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    return tuple(str(v).strip().lstrip("#＃").strip() for v in value if str(v).strip().lstrip("#＃").strip())


def _folded(names: Sequence[str]) -> dict[str, str]:
    return {fold_term(n): n for n in names if fold_term(n)}


@lru_cache(maxsize=64)
def _config(
    subjects: tuple[str, ...], relations: tuple[str, ...], extra: tuple[str, ...], exhaustive: bool
) -> _Config:
    rel = _folded(relations)
    extra_map = {k: v for k, v in _folded(extra).items() if k not in rel}
    near: dict[str, str] = {}
    if exhaustive:
        near = extra_map
    else:
        rel.update(extra_map)
    subj = _folded(subjects)
    committee = rf"[^\s#、。!?()\[\]【】「」:]{{1,20}}?(?:{'|'.join(_COMMITTEE)})"
    if subj:
        subject_re = "|".join([*(re.escape(s) for s in sorted(subj, key=len, reverse=True)), committee])
    else:
        subject_re = rf"[{_JA}]{{1,10}}?[市町村区都府県]|{committee}"
    tag_words = "|".join(
        re.escape(r) for r in sorted({*rel, *extra_map, "pr", "広告"}, key=len, reverse=True)
    )
    sentence_words = "|".join(
        re.escape(w) for w in sorted({*_SENTENCE_RELATIONS, *rel, *extra_map}, key=len, reverse=True)
    )
    sentence = re.compile(
        # 【PR】京都市 / [広告] #京都市 / (PR)京都市
        rf"[【\[〔(]\s*(?:{tag_words})\s*[】\]〕)]\s*#?\s*(?:{subject_re})"
        # 京都市のPR案件 / 京都市のプロモーションに参加 / 京都市から依頼を受けて
        rf"|(?:{subject_re})\s*(?:の|から(?:の)?|より|による|との)\s*(?:公式)?\s*(?:{sentence_words})(?![a-z])"
        # PR:京都市 / 提供:京都市 / 広告主:京都市
        rf"|(?<![a-z])(?:{tag_words}|提供|広告主|協賛)\s*:\s*#?(?:{subject_re})"
    )
    words = ahocorasick_rs.AhoCorasick(sorted({*_SENTENCE_RELATIONS, *rel, *extra_map}))
    rels = "|".join(re.escape(r) for r in sorted(rel, key=len, reverse=True))
    fused_head = re.compile(rf"({rels})[_・]?(.+)")
    fused_tail = re.compile(rf"(.+?)[_・]?({rels})")
    return _Config(rel, near, subj, sentence, words, fused_head, fused_tail)


def _is_committee(body: str) -> bool:
    """An 実行委員会 / 協議会 name (Kyoto 6(2)「#PR#▲▲実行委員会」)."""
    return any(body.endswith(s) and len(body) > len(s) for s in _COMMITTEE)


@lru_cache(maxsize=4096)
def _is_municipality(body: str) -> bool:
    """A place name followed by 市町村区都府県 (SudachiPy tells place names)."""
    if body == "北海道":
        return True
    if len(body) < 2 or body[-1] not in _MUNICIPAL_SUFFIXES:
        return False
    from koshiki.checker.tokens import tokenize

    items = tokenize(body).items
    return len(items) >= 2 and items[-1].surface == body[-1] and items[-2].is_place_name


def _is_subject(body: str, cfg: _Config) -> bool:
    if body in cfg.subjects or _is_committee(body):
        return True
    return not cfg.subjects and _is_municipality(body)


def _split_fused(body: str, cfg: _Config) -> tuple[str, str, str] | None:
    """Relation and subject in one tag (#京都市PR, #PR京都市, #PR_京都市): the parts."""
    m = cfg.fused_head.fullmatch(body)
    if m is not None:
        rel, rest = m.group(1), m.group(2)
        if _is_subject(rest, cfg):
            return rel, rest, ""
        # #PR京都市の紅葉: the tag still opens with the pair.
        subject = next((s for s in cfg.subjects if rest.startswith(s)), None)
        if subject:
            return rel, subject, rest[len(subject) :]
    m = cfg.fused_tail.fullmatch(body)
    if m is not None and _is_subject(m.group(1), cfg):
        return m.group(2), m.group(1), ""
    return None


def _tag(start: int, end: int, body: str, cfg: _Config) -> Tag:
    if body in cfg.relations:
        return Tag(start, end, body, RELATION)
    if body in cfg.near:
        return Tag(start, end, body, NEAR)
    if _is_subject(body, cfg):
        return Tag(start, end, body, SUBJECT)
    split = _split_fused(body, cfg)
    if split is not None:
        return Tag(start, end, body, FUSED, split)
    return Tag(start, end, body, OTHER)


def _tags(norm: str, cfg: _Config) -> list[Tag]:
    tags: list[Tag] = []
    prev_end = -1
    for m in _TAG.finditer(norm):
        start = m.start()
        if start > 0 and norm[start - 1] in _NOT_BEFORE_TAG and start != prev_end:
            continue
        tags.append(_tag(start, m.end(), m.group(1), cfg))
        prev_end = m.end()
    return tags


def _first_pair(tags: list[Tag], norm: str) -> tuple[Tag, Tag] | None:
    for a, b in zip(tags, tags[1:], strict=False):
        if a.kind == RELATION and b.kind == SUBJECT and not norm[a.end : b.start].strip():
            return a, b
    return None


def parse(text: Text, profile: Any) -> Disclosure:
    """Read the post's disclosure under ``profile`` (cached per text and profile)."""
    key = f"promo:{profile.id}"
    cached = text.memo.get(key)
    if cached is not None:
        return cached  # type: ignore[return-value]
    relations = _names(profile.param("relation_tags", _DEFAULT_RELATIONS)) or _DEFAULT_RELATIONS
    exhaustive = bool(profile.param("relation_tags_exhaustive", False))
    cfg = _config(
        _names(profile.param("marketing_subject", "")),
        relations,
        _names(profile.param("relation_tags_extra", ())),
        exhaustive,
    )
    norm = text.norm
    tags = _tags(norm, cfg) if "#" in norm else []
    # The sentence regex scans every position; skip it unless a relation word occurs.
    m = cfg.sentence.search(norm) if cfg.sentence_words.find_matches_as_indexes(norm) else None
    pair = _first_pair(tags, norm)
    relation_shown = "#" + ("PR" if "pr" in cfg.relations else relations[0])
    if cfg.subjects:
        subject_shown = "#" + next(iter(cfg.subjects.values()))
    else:
        found = next((t for t in tags if t.kind == SUBJECT), None)
        subject_shown = found.surface if found else "#（市町村名）"
    stripped = norm.strip()
    lead = len(norm) - len(norm.lstrip())
    result = Disclosure(
        tags=tuple(tags),
        sentence=m.span() if m else None,
        pair=pair,
        relation_shown=relation_shown,
        subject_shown=subject_shown,
        accepted_relations=" ".join("#" + r for r in relations) + ("" if exhaustive else " など"),
        post_span=(lead, lead + len(stripped)),
        display={**cfg.near, **cfg.relations, **cfg.subjects},
    )
    text.memo[key] = result
    return result
