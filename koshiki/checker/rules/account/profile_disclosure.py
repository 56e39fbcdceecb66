"""プロフィール欄に、運営主体・目的・返信の方針・運用ポリシー・問い合わせ先などが書かれていない。

## 何を検出するか
公式アカウントのプロフィール欄（自己紹介とリンク欄。表示名も含めて見ます）に、
プロファイルが求める項目が書かれていないもの。どの項目を求めるかはプロファイルの
`account_profile_items` で決まります（標準プロファイルはすべて）。

| 項目 | 書かれているとみなすもの |
|---|---|
| `operator` 運営主体・開設所属 | 台帳の運営主体（例: 「宮前区役所」）が表示名かプロフィール欄にある、または「〇〇が運営しています」「運営: 〇〇」 |
| `content` 発信する情報 | 「〜を発信します」「〜をお届けします」「〜をお知らせします」など、何を発信するかの記述 |
| `purpose` 目的 | 台帳の目的の文、または「〜のため」「〜を目的に」「魅力を」「身近に」「役立つ」など目的を述べる語 |
| `period` 運用期間 | 「運用期間」「期間限定」「〜まで運用」「令和8年3月31日まで」など期間の記述 |
| `reply_policy` 返信の方針 | 「返信」「回答」「リプライ」「個別の質問」「コメントへの対応」など、返信するかどうかの記述 |
| `policy` 運用ポリシー | 台帳の運用ポリシーの URL、または「運用ポリシー」「運用方針」の語と URL |
| `contact` 問い合わせ先 | 台帳の問い合わせ先、電話番号、メールアドレス、または「お問い合わせ」の語と URL |
| `city_url` 市のホームページ | 公式ドメイン（`official_domains`）の URL |
| `official_notice` 公式であることの表示 | 「公式」の語（「安芸高田市の公式アカウントです」） |

語の有無で判断するので、書き方によっては見落としや見逃しがあります。開設前の
アカウントはプロフィール欄の文面が記録されているときだけ、運用中・停止中の
アカウントは常に確かめます。削除済みのアカウントは対象外です。

## なぜ問題か
利用者はプロフィール欄を見て、そのアカウントが本物の公式アカウントか、誰が何のために
運用しているか、コメントに返事をもらえるかを判断します。川崎市のガイドラインは
プロフィール欄に市ホームページの URL、問い合わせ先、アカウント運用ポリシーを掲載する
ことを定め（5(7)）、狛江市はプロフィール欄などで運営主体と目的を明らかにすること
（4(3)ア）、京都市は発信情報・目的・返信の有無をプロフィールなどに掲載し、返信の有無は
最初に表示されるページに掲載すること（4(3)カ、キ）、安芸高田市はなりすまし防止のため
プロフィール欄などに公式アカウントであることを記載すること（4(1)）を求めています。

## 例
- NG: 「宮前区のイベント情報を発信します。」（川崎市: 市のホームページ・問い合わせ先・運用ポリシーがない）
- NG: 「川崎市宮前区役所の公式アカウントです。」（京都市の項目で見ると、返信の方針がない）
- OK: 「川崎市宮前区役所の公式アカウントです。区のイベントや防災情報を発信します。
  運用ポリシー https://www.city.kawasaki.jp/miyamae/page/0000012345.html
  お問い合わせ 044-856-3125」（川崎市の項目はすべてある）

## 代わりに
運用ポリシー（様式1）の内容から、不足している項目をプロフィール欄に書き加えて
ください。提案欄に、台帳の情報から作った追記案を示します。文字数が足りない場合は、
運用ポリシーへのリンクと返信の方針を優先します（京都市4(3)キ）。

## 参考
- 京都市ソーシャルメディアガイドライン 4(3)カ、キ
- 狛江市ソーシャルメディア活用ガイドライン 4(3)ア
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(7)
- 安芸高田市ソーシャルメディア運用ガイドライン 4(1)
- 石巻市ソーシャルメディアガイドライン 3(3)ウ、エ
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.account._record import fold
from koshiki.checker.subjects import AccountRecord
from koshiki.checker.text import Text
from koshiki.checker.urls import find_urls, host_matches

ITEMS: dict[str, str] = {
    "official_notice": "公式アカウントであることの表示",
    "operator": "運営主体",
    "content": "発信する情報",
    "purpose": "目的",
    "period": "運用期間",
    "reply_policy": "返信の方針",
    "policy": "運用ポリシー（へのリンク）",
    "city_url": "市のホームページのURL",
    "contact": "問い合わせ先",
}

_OPERATOR = re.compile(r"(?:が|で|にて)(?:運営|運用|管理)|(?:運営|運用|管理)(?:者|主体|元)?\s*[:：]|開設所属")
_CONTENT = re.compile(
    r"発信|配信|お届け|お知らせ|紹介|ご案内|案内し|伝え|つぶやき|投稿し|掲載し|情報を|情報や|情報、"
)
_PURPOSE = re.compile(
    r"目的|ため|ように|魅力|理解を|身近|役立|役に立|利便|向上|促進|交流|つなが|知って|楽しんで|(?<![a-z])pr(?![a-z])"
)
_PERIOD = re.compile(
    r"運用期間|期間限定|期間中|まで運用|運用(?:を)?終了|(?:\d{1,2}月\d{1,2}日|\d{1,2}/\d{1,2}|\d{4}年|令和\d+年)[^。\n]{0,12}まで"
)
_REPLY = re.compile(
    r"返信|リプライ|(?<![a-z])リプ|回答|お答え|返答|応答|個別の(?:ご)?(?:質問|対応|連絡|相談)|"
    r"コメント(?:への|には|に対|は|について)|(?<![a-z])dm(?![a-z])|ダイレクトメッセージ|メッセージ(?:には|への|は)"
)
_POLICY_WORD = re.compile(
    r"ポリシー|運用方針|運用指針|利用規約|運用規程|ソーシャルメディア(?:の)?(?:ご)?利用"
)
_CONTACT_WORD = re.compile(r"問い?合わ?せ|問合せ|連絡先|(?<![a-z])contact(?![a-z])")
_PHONE = re.compile(r"(?<!\d)(?:0\d{1,4}[-(]\d{1,4}[-)]\d{3,4}|0\d{9,10}|\+81[-\d]{9,13})(?!\d)")
_EMAIL = re.compile(r"[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+")
_SPLIT = re.compile(r"[\s・/、,]+")
_NON_DIGIT = re.compile(r"\D+")


class _Profile:
    """The profile as displayed, normalised once for all item tests."""

    def __init__(self, record: AccountRecord, env: Env) -> None:
        self.record = record
        self.env = env
        self.text = Text(record.profile_text or "")
        self.norm = self.text.norm
        self.folded = fold(record.profile_text)
        self.name = fold(record.display_name)
        self.urls = find_urls(self.text)
        # The text outside URLs: page numbers in a URL are not phone numbers.
        plain = list(self.norm)
        for url in self.urls:
            plain[url.start : url.end] = " " * (url.end - url.start)
        self.plain = "".join(plain)

    def mentions(self, value: str) -> bool:
        """The registry value appears in the profile (compared without spaces, scheme or ``www.``)."""
        needle = _bare_url(fold(value))
        return bool(needle) and needle in _bare_url(self.folded)

    def operator(self) -> bool:
        municipality = fold(self.env.profile.municipality)
        parts = [p for p in _SPLIT.split(self.record.operator_label or "") if p]
        for part in [self.record.operator_label, *parts]:
            folded = fold(part)
            if len(folded) >= 2 and folded != municipality and (folded in self.folded or folded in self.name):
                return True
        return bool(_OPERATOR.search(self.norm))

    def content(self) -> bool:
        return bool(_CONTENT.search(self.norm))

    def purpose(self) -> bool:
        return self.mentions(self.record.purpose) or bool(_PURPOSE.search(self.norm))

    def period(self) -> bool:
        return bool(_PERIOD.search(self.norm))

    def reply_policy(self) -> bool:
        return self.mentions(self.record.reply_policy) or bool(_REPLY.search(self.norm))

    def policy(self) -> bool:
        if self.mentions(self.record.policy_url):
            return True
        return bool(self.urls) and bool(_POLICY_WORD.search(self.norm))

    def contact(self) -> bool:
        contact = self.record.contact or ""
        digits = _NON_DIGIT.sub("", contact)
        # A phone number matches in any notation: 044-200-2111 = 044(200)2111.
        if len(digits) >= 10 and digits in _NON_DIGIT.sub("", self.plain):
            return True
        if self.mentions(contact):
            return True
        if _PHONE.search(self.plain) or _EMAIL.search(self.plain):
            return True
        return bool(self.urls) and bool(_CONTACT_WORD.search(self.norm))

    def city_url(self) -> bool:
        domains = self.env.profile.param("official_domains", []) or []
        return any(host_matches(u.host, domains) for u in self.urls)

    def official_notice(self) -> bool:
        return "公式" in self.norm or "公式" in self.name


def _bare_url(value: str) -> str:
    value = re.sub(r"^https?://", "", value)
    value = value.removeprefix("www.")
    return value.rstrip("/")


def _items(env: Env) -> list[str]:
    items = env.profile.param("account_profile_items")
    if items is None:
        return list(ITEMS)
    if not isinstance(items, list) or any(i not in ITEMS for i in items):
        raise ValueError(
            f"プロファイルの account_profile_items は {', '.join(ITEMS)} から選んでください（{items!r}）"
        )
    return items


def _addition(record: AccountRecord, env: Env, missing: list[str]) -> str | None:
    """Text to add to the profile, built from the registry's policy facts (None if nothing known)."""
    municipality = env.profile.municipality if not env.profile.municipality.startswith("（") else ""
    lines = {
        "operator": f"{record.operator_label}が運営しています。" if record.operator_label else "",
        "official_notice": f"{municipality}の公式アカウントです。" if municipality else "",
        "content": "",
        "purpose": record.purpose,
        "period": "",
        "reply_policy": record.reply_policy,
        "policy": f"運用ポリシー: {record.policy_url}" if record.policy_url else "",
        "city_url": "",
        "contact": f"お問い合わせ: {record.contact}" if record.contact else "",
    }
    if "content" in missing and "purpose" not in missing:
        lines["content"] = record.purpose
    if "city_url" in missing and "policy" not in missing:
        lines["city_url"] = record.policy_url  # the policy page is on the city's site
    elif "city_url" in missing:
        lines["policy"] = f"運用ポリシー: {record.policy_url}" if record.policy_url else ""
    text = " ".join(lines[item].strip() for item in ITEMS if item in missing and lines[item].strip())
    return text or None


@rule("account.profile_disclosure", title="プロフィール欄での運営主体・目的・運用ポリシー等の表示",
      severity="error", subject="account")  # fmt: skip
def check(record: AccountRecord, env: Env) -> Iterator[Hit]:
    if record.is_closed or (record.status == "planned" and not record.profile_text.strip()):
        return
    wanted = _items(env)
    profile = _Profile(record, env)
    tests: dict[str, Callable[[], bool]] = {item: getattr(profile, item) for item in ITEMS}
    missing = [item for item in wanted if not tests[item]()]
    if not missing:
        return
    labels = "、".join(ITEMS[item] for item in missing)
    if not record.profile_text.strip():
        message = f"プロフィール欄が空です（必要な項目: {labels}）"
    else:
        message = f"プロフィール欄に次の項目がありません: {labels}"
    suggestion = Suggestion(f"プロフィール欄に{labels}を書き加えてください", _addition(record, env, missing))
    yield Hit(0, 0, message, suggestion)
