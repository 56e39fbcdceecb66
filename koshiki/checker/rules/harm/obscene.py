"""わいせつな表現と、成人向けサイトへの誘導を検出する。

## 何を検出するか
性行為や性器を指す卑語、性的に扇情的な語、成人向け映像・性風俗を指す語（「セフレ」「無修正」
「AV女優」「巨乳」「デリヘル」「ムラムラ」など）、性的な画像を求める・見せる誘い（「下着の自撮り」
「全裸の写真」「きわどい自撮り」「胸の谷間」など）と、成人向けサイトの名前・URL（pornhub、xvideos、
FANZA など）を検出します。一覧は `koshiki/checker/lexicons/harm.toml`（`rule = "harm.obscene"`）に
あります。乳房・子宮・陰部・コンドーム・性交など、検診・保健・性教育で普通に使う語は
初めから載せていません。

次の場合は検出しません。
- 医療・保健・性教育の文（「乳がん検診」「性感染症の検査」「思春期のセックスと避妊」）。
- 被害や犯罪への注意喚起（「アダルトサイトの架空請求にご注意ください」
  「児童ポルノの所持は犯罪です」「アカウントが乗っ取られました」）と、フィルタリングの呼びかけ。
  乗っ取り犯の「乗っ取られてないよ」は注意喚起ではないので、検出の妨げになりません。
- 条例・法律の名前（ラブホテル建築規制条例、風営法）。
- 「エッチング」「エロイカ」「パチンコ」「ポルノグラフィティ」のように別の語の一部になっているもの。

## なぜ問題か
各市のガイドラインは、わいせつな内容や、わいせつな内容を含むサイトへのリンクの発信を
禁じています。乗っ取られたアカウントからの迷惑投稿や、委託先・インフルエンサーの投稿に
紛れ込むことが多く、公式アカウントに載れば市の信用を大きく損ないます。

## 例
- NG: 「【相互フォロー】セフレ募集中💕 詳しくはプロフのリンクから」
- NG: 「元AV女優の〇〇さんが、市の一日観光大使に就任しました！」
- OK: 「乳がん検診（マンモグラフィ）の予約を受け付けています。」（医療情報）
- OK: 「アダルトサイトの架空請求にご注意ください。」（注意喚起）

## 代わりに
性的な語やリンクを削除してください。アカウントが乗っ取られた疑いがあるときは、
パスワードの変更と所属長への報告を直ちに行ってください。

## 参考
- 京都市ソーシャルメディアガイドライン 5(1)キ
- 狛江市ソーシャルメディア活用ガイドライン 4(4)ウ
- 石巻市ソーシャルメディアガイドライン 4(6)
- 安芸高田市ソーシャルメディア運用ガイドライン 2(6)オ
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.lexicon import load_lexicon
from koshiki.checker.registry import rule
from koshiki.checker.rules.harm._context import (
    LEXICON,
    Taken,
    candidates,
    context,
    has_marker,
    in_law_name,
    is_mention,
    iter_unique,
    original,
)
from koshiki.checker.semantic.screen import screened
from koshiki.checker.text import Text
from koshiki.checker.urls import Url, find_urls

RULE = "harm.obscene"

# Medical, health and sex-education context, warnings against sexual crime and
# fraud, and regulation (RULES.md: medical/health information is not a finding).
_AGAINST = re.compile(
    r"検診|健診|検査|がん|癌|医療|医師|医学|産婦人科|泌尿器|病院|クリニック|治療|予防|感染|hiv|エイズ|梅毒"
    r"|性教育|保健|避妊|正しい知識|相談|被害|性暴力|性犯罪|犯罪|架空請求|ワンクリック|請求|詐欺"
    r"|注意|有害|フィルタリング|青少年|規制|条例|風営法|違法|禁止|不正アクセス|開かないで"
    # 「乗っ取られてないよ」 is the hijacker's own bait, not a warning about the hijack.
    r"|乗っ取(?!られてない|られていない|られてません)"
    r"|クリックしないで|アクセスしないで"
)

_SITE = "成人向けサイト"
# Host labels (split at "." and "-") and top-level domains that only adult sites use:
# free-adult-xxx.com, hentai-anime.net, example.xxx. "adult" and "sex" alone are not
# enough (adult-education.org, essex.gov.uk).
_ADULT_PARTS = frozenset({"xxx", "porn", "porno", "hentai", "xvideo", "xvideos", "jav", "eroge", "erogazo"})
_ADULT_TLDS = frozenset({"xxx", "porn", "adult", "sex", "sexy"})
_HOST_SPLIT = re.compile(r"[.\-]")
_SUGGESTION = Suggestion("性的な語や成人向けサイトへのリンクを削除してください")


@rule("harm.obscene", title="わいせつな内容", severity="error")
@screened("harm.obscene")
def check(text: Text, env: Env) -> Iterator[Hit]:
    norm = text.norm
    links = Taken()
    if "." in norm:
        for url in find_urls(text):
            if _is_adult(url) and not has_marker(_AGAINST, context(norm, url.start, url.end)):
                links.add(url.start, url.end)
                yield Hit(
                    url.start,
                    url.end,
                    f"「{url.host}」は成人向けサイトです。わいせつなサイトへのリンクは発信できません",
                    _SUGGESTION,
                )
    for m in iter_unique(candidates(text, RULE)):
        if links.overlaps(m.start, m.end):  # already reported as part of the link
            continue
        if is_mention(norm, m.start, m.end) or in_law_name(norm, m.end):
            continue
        if has_marker(_AGAINST, context(norm, m.start, m.end)):
            continue
        word = original(text, m.start, m.end)
        if m.entry.category == _SITE:
            message = f"「{word}」は成人向けサイトです。わいせつなサイトへの誘導は発信できません"
        else:
            message = f"「{word}」はわいせつな表現です（{m.entry.category}）"
        yield Hit(m.start, m.end, message, _SUGGESTION)


@cache
def _site_names() -> tuple[str, ...]:
    """Names of adult sites listed in the lexicon (matched inside host names)."""
    return tuple(e.term.lower() for e in load_lexicon(LEXICON).entries() if e.category == _SITE)


def _is_adult(url: Url) -> bool:
    """A link to an adult site: a listed site name in the host, or an adult-only label or TLD."""
    host = url.host
    if any(name in host for name in _site_names()):
        return True
    parts = _HOST_SPLIT.split(host)
    return parts[-1] in _ADULT_TLDS or any(p in _ADULT_PARTS for p in parts[:-1])
