"""公式ドメイン以外のメールアドレスを検出する。

## 何を検出するか
投稿に書かれたメールアドレスのうち、ドメインがプロファイルの公式ドメイン
（`official_domains`。既定は `lg.jp`・`go.jp`、サブドメインを含む）でなく、
アカウントの公表連絡先（チェック時の `public_contacts`）にもないもの。
全角の「＠」のほか、迷惑メール対策で書き換えた形（`(at)`・`[at]`・`【at】`・`＜アット＞`・
`(あっと)`・` at `・` アットマーク `・前後を空けた ` ＠ `・`★`・`■` など記号での置き換え、
ドメイン側の `(dot)`・`[dot]`・`(どっと)`・` ドット `）も同じメールアドレスとして扱う。
前だけ空けた「Instagram @kyoto.travel」は SNS のアカウント名なので対象外。
アドレスは英数字だけで区切るので、「info@example.comまで」は「.com」で終わる。

## なぜ問題か
職員個人や市民のメールアドレスは個人情報であり、公開すると迷惑メールやなりすましの
標的になる。公式アカウントの問合せ先は組織のアドレスに限るべきで、ガイドラインは
個人情報への十分な配慮を求めている（京都市4(3)ウ、狛江市4(3)エ、石巻市3(3)ア）。

## 例
- NG: 「写真の応募は yamada.taro@gmail.com まで」
- NG: 「申込みは kyoto-event(at)example.com へ」
- OK: 「ご意見は koho@city.kyoto.lg.jp までお寄せください。」（公式ドメイン）
- OK: 「詳しくは https://www.city.kyoto.lg.jp/ をご覧ください。」（URL であってメールアドレスではない）

## 代わりに
担当課の公式アドレス（自治体の公式ドメイン）に置き換える。委託先や実行委員会など
公表済みの連絡先であれば、アカウントの公表連絡先に登録してからチェックする。

## 参考
- 京都市ソーシャルメディアガイドライン 4(3)ウ
- 狛江市ソーシャルメディア活用ガイドライン 4(3)エ
- 石巻市ソーシャルメディアガイドライン 3(3)ア
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(11)ケ
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.text import Text
from koshiki.checker.urls import find_urls, host_matches

# ASCII classes only, so the address never swallows the Japanese after it.
# The normalised text is lower-cased and has ＠ folded to @.
_LOCAL = r"[a-z0-9](?:[a-z0-9._%+\-]{0,63}[a-z0-9_%+\-])?"
# Obfuscations seen in posts: yamada(at)…, yamada＜アット＞…, yamada【at】…, yamada アットマーク …,
# yamada ＠ … (spaced), yamada■…（■を@に）; and for dots gmail(dot)com, gmail ドット com.
_OPEN = r"[(\[<{【〔「]"
_CLOSE = r"[)\]>}】〕」]"
_AT_WORD = r"(?:at|アットマーク|アット|あっとまーく|あっと)"
_AT = (
    # a spaced ＠ needs a space on both sides: 「Instagram @kyoto.travel」 is a handle
    rf"(?:@|\s@\s|\s?{_OPEN}\s?{_AT_WORD}\s?{_CLOSE}\s?| at |\s?(?:アットマーク|アット|あっとまーく|あっと)\s?"
    r"|\s?[★☆■□◆◇●▲※]\s?)"
)
_DOT_WORD = r"(?:dot|ドット|どっと)"
_DOT = rf"(?:\.|\s?{_OPEN}\s?{_DOT_WORD}\s?{_CLOSE}\s?| dot |\s?(?:ドット|どっと)\s?)"
_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
_EMAIL = re.compile(
    rf"(?<![a-z0-9._%+\-])(?P<local>{_LOCAL})(?P<at>{_AT})(?P<domain>(?:{_LABEL}{_DOT})+[a-z]{{2,24}})"
    rf"(?![a-z0-9\-]|\.[a-z0-9])"
)
_DOT_FORMS = re.compile(rf"\s?{_OPEN}\s?{_DOT_WORD}\s?{_CLOSE}\s?| dot |\s?(?:ドット|どっと)\s?")
# A bare " at " is accepted only with a local part that looks like a mailbox.
_ADDRESS_LIKE = re.compile(r"[0-9._+\-]")
_TRIGGERS = ("@", "at", "★", "☆", "アット", "あっと", "■", "□", "◆", "◇", "●", "▲", "※")


@dataclass(frozen=True, slots=True)
class Email:
    """An e-mail address at ``[start, end)`` of the normalised text."""

    start: int
    end: int
    address: str  # canonical lower-case form local@domain
    domain: str
    obfuscated: bool


def find_emails(text: Text) -> list[Email]:
    """Every e-mail address in the post, plain or obfuscated (cached per text)."""
    cached = text.memo.get("emails")
    if cached is not None:
        return cached  # type: ignore[return-value]
    norm = text.norm
    out: list[Email] = []
    if any(t in norm for t in _TRIGGERS):
        for m in _EMAIL.finditer(norm):
            domain = _DOT_FORMS.sub(".", m.group("domain"))
            dot_obfuscated = domain != m.group("domain")
            local = m.group("local")
            if m.group("at") == " at " and not dot_obfuscated and not _ADDRESS_LIKE.search(local):
                continue  # English prose ("visit us at example.com"), not an address
            obfuscated = m.group("at").strip() != "@" or dot_obfuscated
            out.append(Email(m.start(), m.end(), f"{local}@{domain}", domain, obfuscated))
    text.memo["emails"] = out
    return out


@lru_cache(maxsize=256)
def _contacts(entries: tuple[str, ...]) -> frozenset[str]:
    return frozenset(unicodedata.normalize("NFKC", e).strip().lower() for e in entries if "@" in e)


def is_public_address(
    address: str, domain: str, official_domains: Iterable[str], contacts: Iterable[str]
) -> bool:
    """True when the address is on an official domain or a published contact."""
    return host_matches(domain, official_domains) or address in _contacts(tuple(contacts))


@rule("pii.email", title="公式ドメイン外のメールアドレス", severity="warning")
def check(text: Text, env: Env) -> Iterator[Hit]:
    emails = find_emails(text)
    if not emails:
        return
    official = env.profile.param("official_domains", []) or []
    urls = [u for u in find_urls(text) if u.scheme]
    for email in emails:
        if is_public_address(email.address, email.domain, official, env.context.public_contacts):
            continue
        if any(u.start < email.start and email.end <= u.end for u in urls):
            continue  # part of a link's query string, not an address written for readers
        shown = text.quote(email.start, email.end)
        if email.obfuscated:
            message = f"公式ドメイン以外のメールアドレス「{shown}」（記号を置き換えた表記）が書かれています"
        else:
            message = f"公式ドメイン以外のメールアドレス「{shown}」が書かれています"
        yield Hit(
            email.start,
            email.end,
            message,
            Suggestion(
                "個人のアドレスは削除し、担当課の公式アドレス（自治体の公式ドメイン）に置き換えてください"
            ),
        )
