"""アカウントの表示名が命名規則（市名で始まる組織名）に合っていない。

## 何を検出するか
公式アカウントの表示名（アカウント名）が、プロファイルの命名規則に合わないもの。
- プロファイルが表示名の頭に付ける語（`account_naming_prefix`。川崎市: 「川崎市」）を
  定めているのに、その語で始まらない表示名（「宮前区役所」「【公式】川崎市宮前区」）。
- プロファイルが組織名に限っている（`account_naming_organisation_only = true`）場合に、
  個人名で終わる表示名（「川崎市 広報 山田太郎」「中原区役所 高橋」「京都市長 松井孝治」）
  と、役職名で終わる表示名（「川崎市長」「川崎市 渡辺課長」「川崎市消防局長」）。
- プロファイルが正規表現（`account_naming_pattern`）を定めている場合に、空白を除いた
  表示名がそれに一致しないもの。

組織名の一部に人名を含む施設名（「川崎市岡本太郎美術館」）や役職名を含む組織名
（「川崎市市長室」）は、組織を表す語で終わるので対象外です。名だけの語（「みどり」
「さくら」）は愛称やキャラクター名にも使われるため、姓を含まない限り個人名とみなし
ません。末尾の「（公式）」「【公式】」は判定の前に取り除きます。削除済みのアカウントは
対象外です。

## なぜ問題か
川崎市のガイドラインは、アカウント情報を必ず「川崎市〇〇〇」とし、組織名とすること、
個人名や役職名は不可とすることを定めています（5(2)、(3)）。市名で始まる組織名は、
利用者が公式アカウントを見分け、なりすましと区別する手掛かりになります。個人名や
役職名のアカウントは、人事異動で担当者が替わると名前と実態が合わなくなり、放置や
私的利用と受け取られる原因にもなります。京都市・石巻市のガイドラインも、登録名称は
所属などの組織名・キャラクター名・実行委員会などの名称から決めるとしています。

## 例
- NG: 表示名「宮前区役所」（川崎市: 「川崎市」で始まらない）
- NG: 表示名「川崎市 広報 山田太郎」（個人名）
- NG: 表示名「川崎市長」（役職名）
- OK: 表示名「川崎市宮前区役所」
- OK: 表示名「川崎市岡本太郎美術館」（人名を含む施設名。組織名で終わる）
- OK: 表示名「川崎市市長室」（組織名）

## 代わりに
表示名を「川崎市」＋運営する組織の名前（例: 「川崎市宮前区役所」）にしてください。
担当者名や役職名は表示名に入れず、必要ならプロフィール欄で運営主体として組織名を
示します。

## 参考
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(2)、(3)
- 京都市ソーシャルメディアガイドライン 4(1)ア(エ)
- 石巻市ソーシャルメディアガイドライン 3(1)ア(オ)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.account._record import fold
from koshiki.checker.subjects import AccountRecord
from koshiki.checker.tokens import Token, tokenize

# Post titles that end a display name naming a post rather than an
# organisation (川崎市5(3) 「役職名は不可」). Longest first so 副市長 wins over 市長.
POST_TITLES = tuple(
    sorted(
        [
            "市長",
            "副市長",
            "区長",
            "副区長",
            "町長",
            "副町長",
            "村長",
            "副村長",
            "知事",
            "副知事",
            "教育長",
            "局長",
            "部長",
            "次長",
            "課長",
            "課長補佐",
            "係長",
            "室長",
            "所長",
            "館長",
            "園長",
            "校長",
            "院長",
            "署長",
            "議長",
            "副議長",
            "主幹",
            "参事",
            "主査",
            "主任",
            "主事",
            "広報官",
            "担当者",
            "職員",
        ],
        key=len,
        reverse=True,
    )
)
# Trailing decorations that say nothing about the name: 「（公式）」「【公式】」「公式アカウント」.
_DECORATION = re.compile(
    r"(?:[【\[(<「『][^】\])>」』]{0,20}[】\])>」』]|公式アカウント|公式|official|[|/:・\-_~.!])+$"
)
_HONORIFIC = ("さん", "様", "さま", "氏")


@lru_cache(maxsize=32)
def _pattern(raw: str) -> re.Pattern[str]:
    try:
        return re.compile(raw)
    except re.error as exc:
        raise ValueError(f"プロファイルの account_naming_pattern が正規表現として読めません: {exc}") from None


def _trailing_person(tokens: list[Token]) -> str:
    """Pop the person-name tokens ending ``tokens``; their text if a surname is among them."""
    run: list[str] = []
    has_surname = False
    while tokens and tokens[-1].is_person_name:
        token = tokens.pop()
        run.insert(0, token.surface)
        has_surname = has_surname or token.pos[3] in ("姓", "一般")
    return "".join(run) if has_surname else ""


def _person_and_post(display_name: str) -> tuple[str, str]:
    """The person name and post title that end the display name ("" where none).

    Cost: one SudachiPy call on the (short) display name.
    """
    # Spaces are kept for tokenising: they separate 「職員 田中一郎」 correctly.
    core = unicodedata.normalize("NFKC", display_name).lower().strip()
    while True:
        stripped = _DECORATION.sub("", core).rstrip()
        if stripped == core:
            break
        core = stripped
    for honorific in _HONORIFIC:
        if core.endswith(honorific):
            core = core[: -len(honorific)]
            break
    tokens = [t for t in tokenize(core).items if t.surface.strip()]
    person = _trailing_person(tokens)
    rest = "".join(t.surface for t in tokens)
    post = next((title for title in POST_TITLES if rest.endswith(title)), "")
    if post and not person:
        # 「渡辺課長」: the name stands before the title.
        keep = len(rest) - len(post)
        while tokens and sum(len(t.surface) for t in tokens) > keep:
            tokens.pop()
        person = _trailing_person(tokens)
    return person, post


@rule("account.naming", title="アカウント名は市名で始まる組織名", severity="error", subject="account")
def check(record: AccountRecord, env: Env) -> Iterator[Hit]:
    if record.is_closed or not record.display_name.strip():
        return
    name = fold(record.display_name)
    raw_prefix = env.profile.param("account_naming_prefix", "") or ""
    prefixes = [fold(p) for p in ([raw_prefix] if isinstance(raw_prefix, str) else raw_prefix) if fold(p)]
    problems: list[str] = []
    if prefixes and not any(name.startswith(p) for p in prefixes):
        problems.append(f"「{'」「'.join(prefixes)}」で始まっていません")
    pattern = env.profile.param("account_naming_pattern", "") or ""
    if pattern and not _pattern(pattern).fullmatch(name):
        problems.append("プロファイルの命名規則の形式に合いません")
    person, post = ("", "")
    if env.profile.param("account_naming_organisation_only", False):
        person, post = _person_and_post(record.display_name)
    if post and person:
        problems.append(f"個人名（{person}）と役職名（{post}）になっています")
    elif person:
        problems.append(f"個人名（{person}）になっています")
    elif post:
        problems.append(f"役職名（{post}）になっています")
    if not problems:
        return
    prefix = prefixes[0] if prefixes else ""
    organisation = fold(record.operator_label)
    replacement = None
    if organisation:
        replacement = organisation if organisation.startswith(prefix) else prefix + organisation
    elif prefix and not person and not post:
        replacement = prefix + name
    suggestion = Suggestion(
        title=f"表示名は{'「' + prefix + '」で始まる' if prefix else ''}組織の名前にしてください",
        replacement=replacement,
    )
    yield Hit(0, 0, f"表示名「{record.display_name}」が{'。'.join(problems)}", suggestion)
