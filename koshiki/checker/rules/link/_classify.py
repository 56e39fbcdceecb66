"""One classification of every link in a post, shared by the four link rules.

Each URL found by ``urls.find_urls`` gets exactly one kind:

- ``shortener``: a general URL shortening service (``lexicons/hosts.toml``);
- ``unsafe``: a listed adult / gambling / malicious host or top-level domain,
  a raw IP address, a user-info trick (``https://city.kyoto.lg.jp@evil.example/``),
  a broken punycode label, a host mixing Latin with Cyrillic/Greek letters in
  one label or spelled wholly in look-alike letters, a host whose look-alike
  skeleton equals or embeds an official domain without being it or strings all
  of its labels together in another order (``kawasaki-city-jp.example``), or a
  non-official host whose name says it is a casino or an adult site
  (``sports-bet-casino.win``, ``free-adult-xxx.com``: ``*_word`` entries);
- ``official``: one of the profile's ``official_domains`` or a subdomain;
- ``external``: anything else (including first-party short links such as
  ``forms.gle`` and ``youtu.be``, which are not shorteners);
- ``mention``: a shortener's bare name with no path and no scheme
  (「bit.ly などの短縮URLにご注意ください」): it names the service, links nowhere
  in particular, and no rule reports it.

The domain part of an e-mail address, also when the at-sign is disguised
(``info(at)example.org``, ``info[at]example.org``: ``pii.email``'s finder), is
not a link.

The result is cached in ``Text.memo`` per profile, so the scan costs one pass
over the URLs of the post however many link rules run. Host look-ups are
dictionary hits on the host's suffixes; skeletons are computed only for the
few URLs a post holds.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from koshiki.checker.lexicon import Entry, fold_term, load_lexicon
from koshiki.checker.rules.pii.email import find_emails
from koshiki.checker.text import Text
from koshiki.checker.urls import Url, find_urls, host_matches

SHORTENER, UNSAFE, OFFICIAL, EXTERNAL, MENTION = "shortener", "unsafe", "official", "external", "mention"

# Letters of other scripts that render like ASCII letters (Unicode
# confusables, the subset attackers use in domain names), after lower-casing.
_CONFUSABLE = str.maketrans(
    {
        # Cyrillic
        "а": "a", "е": "e", "ё": "e", "і": "i", "ї": "i", "ј": "j", "к": "k",
        "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "һ": "h",
        "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ɡ": "g",
        # Greek
        "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "κ": "k", "υ": "u",
        "χ": "x", "ϲ": "c", "ϳ": "j",
        # Latin look-alikes outside ASCII
        "ı": "i", "ɩ": "i", "ɑ": "a", "ℓ": "l",
    }
)  # fmt: skip
# ASCII look-alikes folded together on both sides of a comparison
# (kyot0 / kyoto, clty / city / c1ty).
_ASCII_FOLD = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l"})
_UNSAFE_CATEGORIES = {
    "adult": "成人向けサイト",
    "gambling": "ギャンブルサイト",
    "malicious": "危険サイトとして公表されているホスト",
    "adult_tld": "成人向けサイト専用のドメイン",
    "gambling_tld": "賭け事用のドメイン",
    "confusing_tld": "ファイル名と紛らわしいドメイン",
}
# Words in a host name that say what the site is (hosts.toml): not host names themselves.
_WORD_CATEGORIES = {
    "adult_word": "成人向けサイト",
    "gambling_word": "ギャンブルサイト",
    "dating_word": "出会い系サイト",
    "piracy_word": "海賊版・違法ダウンロードのサイト",
}
# Words that, beside the city's romanised name, make a host pass for the city's
# own (kyoto-city-info.com): hosts.toml category "municipal_word".
_MUNICIPAL = "municipal_word"
_TOKEN_SPLIT = re.compile(r"[^a-z]+")


@dataclass(frozen=True, slots=True)
class Link:
    """A URL of the post with its kind and, for unsafe links, why."""

    url: Url
    kind: str
    reason: str = ""  # Japanese phrase for the finding message
    entry: Entry | None = None


@lru_cache(maxsize=1)
def _host_table() -> tuple[dict[str, Entry], int]:
    """Listed hosts by name, and the most labels any listed host has."""
    entries = load_lexicon("hosts").entries()
    table = {
        e.term.lower(): e for e in entries if e.category not in _WORD_CATEGORIES and e.category != _MUNICIPAL
    }
    return table, max((t.strip(".").count(".") + 1 for t in table), default=1)


@lru_cache(maxsize=1)
def _host_words() -> tuple[dict[str, Entry], tuple[tuple[str, Entry], ...]]:
    """Host-name words: whole-token ones by word, and the substring (``any``) ones."""
    tokens: dict[str, Entry] = {}
    anywhere: list[tuple[str, Entry]] = []
    for e in load_lexicon("hosts").entries():
        if e.category in _WORD_CATEGORIES:
            term = fold_term(e.term)
            if e.boundary == "any":
                anywhere.append((term, e))
            else:
                tokens[term] = e
    return tokens, tuple(anywhere)


def _named_unsafe(host: str) -> Entry | None:
    """The word that marks ``host`` as a casino or adult site, if its name says so.

    The top-level domain is left out (listed TLDs are entries of their own). A strong
    word decides alone; ``weak`` words need a second, different word of the same kind
    (free-adult-xxx.com), since adult-education.example alone is innocent.
    """
    name = host.rsplit(".", 1)[0] if "." in host else host
    if not name.isascii():
        return None
    tokens, anywhere = _host_words()
    for term, listed in anywhere:
        if term in name:
            return listed
    weak: dict[str, list[Entry]] = {}
    for token in _TOKEN_SPLIT.split(name):
        entry = tokens.get(token)
        if entry is None:
            continue
        if "weak" not in entry.tags:
            return entry
        found = weak.setdefault(entry.category, [])
        if all(e.id != entry.id for e in found):
            found.append(entry)
            if len(found) >= 2:
                return found[0]
    return None


@lru_cache(maxsize=1)
def _municipal_words() -> tuple[str, ...]:
    """Municipal words (city, shi, shiyakusho, …) as skeletons, longest first."""
    words = {skeleton(e.term.lower()) for e in load_lexicon("hosts").entries() if e.category == _MUNICIPAL}
    return tuple(sorted(words, key=len, reverse=True))


def _city_lookalike(host: str, city_names: tuple[str, ...]) -> str | None:
    """The city name a non-official ``host`` wears with a municipal word, if any.

    kyoto-city-info.com, city-of-kyoto.net, kyotocity-koho.com and kyot0-shi.jp
    pass for Kyoto's own site; kyoto.travel or kyoto-np.co.jp name the place only.
    Compared on skeletons, so look-alike letters do not hide the name.
    """
    if not city_names or not host.isascii():
        return None
    sk = skeleton(host)
    name = sk.rsplit(".", 1)[0] if "." in sk else sk
    parts = [t for t in re.split(r"[.\-_]+", name) if t]
    words = _municipal_words()
    for city in city_names:
        sc = skeleton(city.lower())
        if not sc:
            continue
        # kyoto-city-info, city-of-kyoto: the name and a municipal word as parts of
        # their own; kyotocity-koho, cityofkyoto-ish fusions only as a whole part or,
        # for words of 4+ letters, at a part's edge (kyoto-shinkin is a bank: no).
        if sc in parts and any(w in parts for w in words):
            return city
        for part in parts:
            for w in words:
                if part in (sc + w, w + sc) or (
                    len(w) >= 4 and (part.startswith(sc + w) or part.endswith(w + sc))
                ):
                    return city
    return None


def _listed(host: str) -> Entry | None:
    """The most specific ``hosts.toml`` entry covering ``host`` (then its TLD)."""
    table, depth = _host_table()
    # Only the last few labels can match: keeps a 100 KB "a.a.a..." host linear.
    labels = host.rsplit(".", depth)[-depth:]
    for i in range(len(labels)):
        entry = table.get(".".join(labels[i:]))
        if entry is not None:
            return entry
    return table.get("." + labels[-1])


def _decode(host: str) -> str | None:
    """The Unicode form of a host (punycode labels decoded); None if one is broken."""
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                label = codecs.decode(label[4:].encode("ascii"), "punycode")
            except (UnicodeError, ValueError):
                return None
        labels.append(label)
    return ".".join(labels)


def _latin(host: str) -> str:
    """The host as a reader sees it: look-alike letters replaced by the ASCII they imitate."""
    if host.isascii():
        return host.lower()
    decomposed = unicodedata.normalize("NFKD", host.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_CONFUSABLE)


@lru_cache(maxsize=4096)
def skeleton(host: str) -> str:
    """Fold look-alike letters so that a disguised host compares equal to its model."""
    return _latin(host).replace("rn", "m").replace("vv", "w").translate(_ASCII_FOLD)


def _script(ch: str) -> str:
    o = ord(ch)
    if ch.isascii():
        return "latin" if ch.isalpha() else ""
    if 0x00C0 <= o <= 0x024F or 0x1E00 <= o <= 0x1EFF or 0x0250 <= o <= 0x02AF:
        return "latin"
    if 0x0370 <= o <= 0x03FF or 0x1F00 <= o <= 0x1FFF:
        return "greek"
    if 0x0400 <= o <= 0x052F:
        return "cyrillic"
    return "other"


def _spoofed_label(unicode_host: str) -> bool:
    """A label mixing Latin with Greek/Cyrillic, or made only of look-alikes."""
    for label in unicode_host.split("."):
        if label.isascii():
            continue
        scripts = {s for s in map(_script, label) if s}
        if "latin" in scripts and scripts & {"greek", "cyrillic"}:
            return True
        letters = [c for c in label if _script(c) in ("greek", "cyrillic")]
        whole_script = letters and len(letters) == sum(1 for c in label if c.isalpha())
        if whole_script and all(c.translate(_CONFUSABLE) != c for c in letters):
            return True
    return False


def _label_tokens(sk: str) -> frozenset[str]:
    """Parts of a skeleton host's labels, top-level domain left out, non-ASCII dropped."""
    name = sk.rsplit(".", 1)[0] if "." in sk else ""
    ascii_name = "".join(c for c in name if c.isascii())
    return frozenset(t for t in re.split(r"[.\-_]+", ascii_name) if t)


def _imitated(host: str, unicode_host: str, official: Iterable[str]) -> str | None:
    """The official domain ``host`` imitates without belonging to it, if any."""
    sk = skeleton(unicode_host)
    disguised = unicode_host != host or not unicode_host.isascii()
    domains = tuple(official)
    # A genuine official host (www.city.kyoto.lg.jp also holds every label of the old
    # city.kyoto.jp) never imitates by re-ordering; look-alike letters are judged below.
    genuine_somewhere = not disguised and host_matches(host, domains)
    tokens: frozenset[str] | None = None
    for domain in domains:
        d = domain.lower().lstrip("*").lstrip(".")
        if not d:
            continue
        genuine = host_matches(host, [d]) and not disguised
        if genuine:
            continue
        sd = skeleton(d)
        candidates = [sk]
        # Hyphens standing for dots (city-kyoto-lg.jp.example.com) are only
        # compared with a specific domain: against a bare suffix such as
        # go.jp they would also hit ordinary names like kyoto-go.jp.
        if d.count(".") >= 2:
            candidates.append(sk.replace("-", ".").replace("_", "."))
        for s in candidates:
            if s == sd or s.endswith("." + sd) or f".{sd}." in f".{s}.":
                return d
        # Every label of a specific domain strung together in another order before
        # some other top-level domain (kawasaki-city-jp.example for city.kawasaki.jp):
        # the reader sees the city's address in it. Not for bare suffixes (go.jp).
        if d.count(".") >= 2 and not genuine_somewhere:
            if tokens is None:
                tokens = _label_tokens(sk)
            if set(sd.split(".")) <= tokens:
                return d
    return None


def _unsafe_reason(url: Url, official: tuple[str, ...]) -> str | None:
    host = url.host
    if url.is_ip:
        return f"IPアドレスを直接指定したリンク（{host}）です。正規のサイトか利用者が確かめられません"
    if "." in url.userinfo:
        return f"「{url.userinfo}@」で接続先（{host}）を偽装したリンクです"
    unicode_host = _decode(host)
    if unicode_host is None:
        return f"壊れた国際化ドメイン名（{host}）のリンクです"
    shown = host if unicode_host == host else f"{host} = {unicode_host}"
    imitated = _imitated(host, unicode_host, official)
    if imitated is not None and unicode_host.isascii():
        return f"公式ドメイン「{imitated}」に似せたホスト名（{shown}）のリンクです"
    if imitated is not None:
        return f"英字に似た別の文字で「{_latin(unicode_host)}」に見せかけたホスト名（{shown}）のリンクです"
    if _spoofed_label(unicode_host):
        return f"英字に似た別の文字を混ぜたホスト名（{shown}）のリンクです"
    return None


def classify(
    text: Text, official: tuple[str, ...], profile_key: str, city_names: tuple[str, ...] = ()
) -> list[Link]:
    """Every URL of the post with its kind (cached per text and profile).

    ``city_names``: the municipality's romanised names (profile param
    ``romanised_names``); a non-official host wearing one beside a municipal
    word is unsafe (a look-alike of the city's site).
    """
    key = f"links:{profile_key}"
    cached = text.memo.get(key)
    if cached is not None:
        return cached  # type: ignore[return-value]
    links: list[Link] = []
    urls = find_urls(text)
    # info(at)example.org: the domain of a disguised e-mail address is no link.
    emails = find_emails(text) if any(not u.scheme for u in urls) else []
    for url in urls:
        if not url.scheme and any(e.start < url.start and url.end <= e.end for e in emails):
            continue
        entry = _listed(url.host)
        if entry is not None and entry.category == "shortener":
            if url.path.strip("/?#"):
                links.append(Link(url, SHORTENER, entry.reason, entry))
                continue
            if not url.scheme:
                # 「bit.ly などの短縮URLにご注意」 names the service; it links nowhere.
                links.append(Link(url, MENTION, entry.reason, entry))
                continue
        if entry is not None and entry.category in _UNSAFE_CATEGORIES:
            label = _UNSAFE_CATEGORIES[entry.category]
            links.append(Link(url, UNSAFE, f"{label}（{url.host}）へのリンクです: {entry.reason}", entry))
            continue
        reason = _unsafe_reason(url, official)
        if reason is not None:
            links.append(Link(url, UNSAFE, reason))
        elif host_matches(url.host, official):
            links.append(Link(url, OFFICIAL))
        elif (city := _city_lookalike(url.host, city_names)) is not None:
            links.append(
                Link(
                    url,
                    UNSAFE,
                    f"市の名前「{city}」を含み市の公式サイトに見せかけたホスト（{url.host}）へのリンクです"
                    "（公式ドメインではありません）",
                )
            )
        elif (word := _named_unsafe(url.host)) is not None:
            label = _WORD_CATEGORIES[word.category]
            links.append(
                Link(url, UNSAFE, f"{label}と思われるホスト（{url.host}）へのリンクです: {word.reason}", word)
            )
        else:
            links.append(Link(url, EXTERNAL, entry.reason if entry else "", entry))
    text.memo[key] = links
    return links


def may_hold_links(norm: str) -> bool:
    """Cheap gate shared by the link rules: every URL has a dot or ``://``
    (``http://[2001:db8::1]/`` has no dot)."""
    return "." in norm or "://" in norm


def city_names(profile: object) -> tuple[str, ...]:
    """The profile's ``romanised_names`` param (kyoto, kawasaki, …) as a tuple."""
    value = profile.param("romanised_names", ())  # type: ignore[attr-defined]
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value or ())


def official_domains(profile: object) -> tuple[str, ...]:
    """The profile's ``official_domains`` param as a tuple of strings."""
    value = profile.param("official_domains", ())  # type: ignore[attr-defined]
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value or ())
