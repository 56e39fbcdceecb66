"""特定の事業者や商品だけを推す（公平性を欠く）紹介を検出する。

## 何を検出するか
一つの民間事業者・商品だけを、ほかより良いもの・選ぶべきものとして勧める表現:

- 「おすすめは〇〇店だけ」「イチオシは△△堂の八ツ橋のみ」（推奨＋限定）
- 「買うなら△△社の製品で」「パンを買うならベーカリーこむぎ一択」「引っ越しは
  まごころ運送一択」「かき氷は氷屋ふじに限る」（これしかない・これが一番）
- 「市内で一番おいしいラーメン屋は麺処はなまる」（最上級で一店を名指し）
- 「他店より断然安い」（他の事業者との比較広告）
- 「市が推薦する「〇〇引越センター」にご依頼ください」（市のお墨付きで一社を指名）
- 「リフォームは「〇〇工房」さんにお任せするのが安心」「決済は「〇〇ペイ」だけを使うことを
  おすすめします」（一社・一商品に任せる・使うことを勧める）
- 「買うなら絶対ここ！」（近くに店・会社の名前があるとき）、「山田電機で買うのがお得」
  「「オート鈴木」で受けるのが一番安い」「「すずき燃料店」さんに頼めば間違いなし」
  「「みなとモバイル」がダントツで安い」（一社だけが得・安い・確実だとする主張）
- 「市としても「〇〇工務店」をおすすめします」「市公認の「〇〇」」「職員イチオシのラーメン店は
  「〇〇」です」（市や職員のお墨付きで一社を推す）
- 「「〇〇」、絶対に行くべき」「他のお店には行かないで」「「〇〇」以外で受けるのは損」
  （一社へ誘導し、ほかを避けさせる）
- 「「麺屋たけし」が断トツNo.1」「ここのランチが市内最強」「他社さんより「〇〇」のほうが」
  「「〇〇」さんにお願いするのがベスト」「市長も愛用している「〇〇化粧品」」「当市の公式
  おすすめは「〇〇旅館」です」

店や会社であることは「店・屋・堂・社・製品・商品・電器・旅館・農園・酒造…」などの
語か、「」で括った名前（「パティスリー・ミナト」）で判断します。「」の名前が寺・神社・
公園・駅・美術館など場所の名前で終わるときは事業者とみなしません。

次のものは検出しません。

- 参加店舗・取扱店・加盟店の一覧、「市内の取扱店で」「各店で」のような複数の店の紹介
- 協賛・後援・提供として名前を示した企業（「協賛：株式会社みなと銀行」）、協定・連携の
  相手として名前を示した企業、市が指定・許可・登録した事業者への案内（「市の許可業者に
  ご依頼ください」）
- ふるさと納税の返礼品など、複数の事業者を並べた紹介
- 販売場所の案内（「記念誌は駅前の中央書店で販売しています」「チケットは市民会館の
  窓口でお買い求めください」）や、地域の産品の紹介（「日本一の生産量を誇る本市の梨」）
- 事業者でないものの勧め（「避難するなら絶対ここ！指定避難所の〇〇小学校」「電子申請を
  利用するのが一番お得です」「市長おすすめの観光スポットは「みなと公園」です」）

## なぜ問題か
市の発信は特定の事業者に利益を与えるものであってはならず、商品等を紹介するときは
公平性に配慮する必要があります（石巻市4(8)「特定の商品等を紹介する場合は、公平性に
配慮する必要がある」、川崎市5(1)「市政や川崎の魅力に関する情報発信に限る」）。一社だけ
を推す発信は、他の事業者から見て不公平で、市がその事業者を保証したと受け取られます。

## 例
- NG: 「京都土産のおすすめは松風堂の八ツ橋だけ！」
- NG: 「買うなら山田電機の製品で！」
- OK: 「プレミアム付商品券の参加店舗一覧はこちら（市内320店舗）」
- OK: 「協賛：株式会社みなと銀行、まるやす商店」（協賛として名前を示す）

## 代わりに
複数の事業者を同じ扱いで紹介するか、参加店舗一覧などへ案内します。一つの事業者を
取り上げる場合は、協賛・連携協定などの関係を明示し、「だけ」「一択」「一番」のような
優劣をつける表現を避けます。

## 参考
- 石巻市ソーシャルメディア利用ガイドライン 4(8)
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(1)
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.semantic.screen import screened
from koshiki.checker.text import Text

# Words that name a private business or its product.
# Words that name a private business or its product. The look-arounds keep out the
# compounds that are not one business (商店街, 店舗, 屋外, 神社, 会社員, 公会堂, 商品券).
# A name in 「」 is a proper name: a shop or a product, unless it ends like a place
# (「東福寺」「梅小路公園」「京都駅」 are sights, not businesses).
_PLACE_END = (
    r"(?:寺|院|神社|神宮|大社|宮|公園|城|山|岳|川|橋|庭園|の道|通り|駅|浜|海岸|湖|滝|峡|島|温泉|広場"
    r"|博物館|美術館|資料館|図書館|記念館|市場|商店街|祭|まつり|祭り)"
)
_QUOTED = rf"「(?![^「」\n]{{0,30}}?{_PLACE_END}」)[^「」\n]{{1,30}}」"
_BUSINESS = (
    r"(?:店(?!舗|街|頭|内|長|員)|(?<!部)屋(?!外|内|上|根|台|敷|号)|(?<![講本会議聖礼仏])堂(?!々)"
    r"|(?<![神会])社(?!会|員|協|寺|殿|務|宅|説|交|是|名)|商店(?!街)|商会|製品|商品(?!券)|ブランド"
    r"|メーカー|株式会社|\(株\)|カフェ|ベーカリー|ストア|ショップ|電器|電機|薬局|ドラッグ|スーパー"
    r"|旅館|ホテル|農園|牧場|酒造|本舗|製菓|工務店|不動産|運送|自動車|モータース|クリニック|サロン"
    rf"|亭|庵|軒(?!先|下|並)|精肉|鮮魚|菓子舗|醸造|製作所|{_QUOTED})"
)
# The span between an anchor and the ending: at most 25 characters of one sentence.
_SLOT = r"[^。!?\n]{0,25}?"
# After a topic は only a noun phrase (no particle を/は, no なら clause) names the business.
_NOUNS = r"(?:(?!なら|を|は)[^。!?\n]){0,25}?"
# おすすめは / おすすめする引越し業者は / 職員おすすめの店は
_RECOMMEND = (
    r"(?:おすすめ|オススメ|お勧め|お薦め|イチオシ|いちおし|一押し|イチ押し)"
    r"(?:は|なのは|の(?:お店|店)は|(?:する|の)[^。!?\n「」]{0,12}?は)"
)
_ONLY = (
    r"(?:(?:だけ|のみ)(?!じゃ|では|でな|で(?:は|も)?ありません)|一択|に限る|で決まり"
    r"|以外は?(?:ありえ|考えられ)|しかない|しかありません)"
)
# 「が一番」 ends the claim (…が一番！); 「が一番人気」「が一番近い」 only describe.
_BEST = (
    r"(?:一択|に限る|で決まり|(?:が一番|がいちばん|が最高)(?=[!。、]|です|だ|$)|が断然"
    r"|しかない|しかありません|以外は?(?:ありえ|考えられ))"
)
# After 「買うなら…」 a comparison is a recommendation (…なら「〇〇」が一番安い).
_BEST_AFTER_BUY = r"(?:が|は)(?:一番|いちばん|最も|断然|ダントツ(?:で)?|圧倒的に)(?:安い|お得|おいしい|美味しい|良い|いい|安心)"
_BUY = (
    r"(?:買う|買い替える|購入する|選ぶ|頼む|依頼する|注文する|食べる|飲む|泊まる|使う|借りる|契約する"
    r"|行く|する|引っ越す|直す|探す)なら"
)
# Leaving the job to one named business (「〇〇工房」さんにお任せするのが安心).
_ENTRUST = (
    r"(?:さん|様)?(?:に|で|を)(?:お任せする|任せる|お願いする|頼む|依頼する|買う|選ぶ|利用する|使う|注文する)"
    r"(?:の|こと)が(?:一番|いちばん|安心|正解|間違いない|確実)"
)
# The best deal at one business: 〇〇ドラッグで買うのが一番安い / 「オート鈴木」で受けるのが一番安くて安心.
_CHEAPEST = (
    r"(?:で|に|を)(?:買う|購入する|頼む|依頼する|注文する|受ける|契約する|選ぶ|利用する|使う|済ませる|お願いする"
    r"|任せる|お任せする)(?:の|こと)が(?:一番|いちばん|最も|断然|ダントツで)?(?:お得|安い|安く|安心|正解|間違いな|確実"
    r"|ベスト|最善)"
)
# Claims that single out one business however they are phrased (calls included). Separate
# patterns, each starting with literal words, so that the engine can skip ahead to them;
# a group "verb" means the business must end right before it (checked in the rule).
_STRONG = (
    # 買うなら絶対ここ！ / 迷わずここ (a business must be named nearby: checked in the rule)
    re.compile(
        r"(?P<here>(?:絶対|ぜったい|断然|迷わず|間違いなく)(?:に)?(?:ここ|こちら|この店|このお店)(?=[!。]|です|だよ|!|$))",
        re.MULTILINE,
    ),
    re.compile(rf"(?P<verb>{_CHEAPEST})"),
    # 「すずき燃料店」さんに頼めば間違いなし
    re.compile(
        r"(?P<verb>(?:に|で|を|へ)(?:頼めば|任せれば|買えば|お願いすれば|選べば|行けば|頼んでおけば)"
        r"(?:間違いな|安心|大丈夫|確実|ok|オッケー))"
    ),
    # スマホの契約は「みなとモバイル」がダントツで安い
    re.compile(
        rf"{_QUOTED}(?:さん)?(?:が|は)(?:ダントツ(?:で)?|断然|一番|いちばん|圧倒的に|最も)"
        r"(?:安い|お得|おいしい|美味しい|良い|いい|おすすめ|オススメ)"
    ),
    # 市としても「まるやま工務店」をおすすめします / 市公認のおすすめ店「〇〇」
    re.compile(
        r"(?:市|本市|当市|市役所)(?:として|と)?も[、,]?"
        rf"{_QUOTED}(?:さん|様)?(?:を|が)(?:おすすめ|オススメ|お勧め|推薦|推奨|イチオシ)(?:します|しています|いたします|です)"
        rf"|(?:市|市役所|市長)(?:公認|お墨付き|太鼓判)の[^。!?\n「」]{{0,8}}?{_QUOTED}"
    ),
    # 市役所職員イチオシのラーメン店は「麺屋たけし」です
    re.compile(
        r"(?:市長|職員|市役所|課長|スタッフ)(?:の|が)?(?:イチオシ|いちおし|一押し|おすすめ|オススメ|お気に入り)の"
        rf"(?:お店|店|ラーメン店|ラーメン屋|パン屋|カフェ|業者|商品)は{_QUOTED}(?:さん)?(?=です|だ|[!。]|$)",
        re.MULTILINE,
    ),
    # 「うどん亭まつや」、絶対に行くべき
    re.compile(
        rf"{_QUOTED}(?:さん)?[、,]?[^。!?\n「」]{{0,6}}?(?:絶対に?|必ず|ぜひとも)"
        r"(?:行くべき|買うべき|食べるべき|行かなきゃ損|買わなきゃ損|行かないと損)"
    ),
    # 「カフェ・ミナト」、ここのランチが市内最強です / 「麺屋たけし」が断トツNo.1
    re.compile(
        rf"{_QUOTED}(?:さん)?[、,]?[^。!?\n「」]{{0,10}}?(?:市内|県内|日本|世界)?"
        r"(?:最強|最高|no\.?1|ナンバーワン|ナンバー1|一番|断トツ|ダントツ)(?:です|だ)?"
        r"(?=[!。]|$|[^\u3041-\u30ff\u4e00-\u9fffa-z0-9])",
        re.MULTILINE,
    ),
    # 「オート鈴木」以外で車検を受けるのは損です
    re.compile(
        rf"{_QUOTED}(?:さん)?以外(?:で|は|の|に)[^。!?\n「」]{{0,10}}?(?:損|ありえ|考えられ|ダメ|だめ|おすすめしません)"
    ),
    # 他社さんより「みなと不動産」のほうが断然親切
    re.compile(
        r"(?:他社|他店|よその(?:お)?店|ほかの(?:お)?店|他の(?:お)?店|よその会社)(?:さん)?(?:より|よりも|と比べ(?:て)?)[、,]?"
        rf"{_QUOTED}(?:さん)?(?:の方|のほう)?が"
    ),
    # 市長も愛用している「〇〇化粧品」 / 当市の公式おすすめは「〇〇旅館」です
    re.compile(
        r"(?:市長|副市長|職員|市役所)(?:も|が)?(?:愛用|ご愛用|御用達|行きつけ|常連|推し)(?:している|の|する)?"
        rf"[^。!?\n「」]{{0,6}}?{_QUOTED}"
        r"|(?:市|本市|当市|市役所)の(?:公式)?(?:おすすめ|オススメ|イチオシ|推薦)"
        rf"(?:の(?:(?!本|一冊|絵本|図書|映画|作品|スポット|イベント)[^。!?\n「」]){{1,6}})?は{_QUOTED}(?=です|だ|[!。]|$)",
        re.MULTILINE,
    ),
    # 他のお店には行かないで
    re.compile(
        r"(?:他の|ほかの|よその)(?:お店|店|業者|会社)(?:に|で|には|では)?(?:は)?(?:行かないで|買わないで|頼まないで)"
    ),
)
# The business named right before a "verb" claim (山田電機で買うのがお得, 「〇〇」さんに頼めば).
_BUSINESS_BEFORE = re.compile(rf"{_BUSINESS}(?:さん|様)?$")
_COMMERCIAL = re.compile(
    # おすすめは松風堂の八ツ橋だけ
    rf"{_RECOMMEND}{_SLOT}{_BUSINESS}{_SLOT}{_ONLY}"
    # 買うなら山田電機の製品で / 買うならベーカリーこむぎ一択
    rf"|{_BUY}{_SLOT}{_BUSINESS}{_SLOT}"
    rf"(?:{_BEST}|{_BEST_AFTER_BUY}|の(?:製品|商品)(?:で|を|が)(?:(?=[!。]|$)|決まり|一番|おすすめ))"
    # かき氷は氷屋ふじに限る / 家電はオオタ電器で買うのが一番
    rf"|(?<=は)(?P<topic>{_NOUNS}{_BUSINESS}{_NOUNS}(?:{_BEST}|で(?:買う|選ぶ|頼む)のが(?:一番|いちばん|正解)))"
    # 市内で一番おいしいラーメン屋は麺処はなまる
    r"|(?:一番|いちばん|最も|断然|ナンバーワン)(?:おいしい|美味しい|安い|お得な|おすすめの|オススメの)"
    rf"[^。!?\n]{{0,8}}?(?:お店|店|屋|パン屋|ラーメン屋)(?:は|なら){_SLOT}{_BUSINESS}?(?=です|だ|[!。]|$)"
    # 他店より断然安い
    r"|(?:他店|他社|よその(?:お)?店|ほかの(?:お)?店|他の(?:お)?店)(?:より|よりも|と比べて)(?:も)?"
    r"(?:断然|ずっと|圧倒的に|はるかに)?(?:安い|お得|おいしい|美味しい|良い|いい|優れ(?:た|ている))"
    # 市が推薦する「〇〇引越センター」にご依頼ください (指定・許可・認定 are statutory roles)
    r"|(?P<endorse>(?:市|市役所|本市|当市|区役所|町|村)(?:が|の)(?:推薦|推奨|おすすめ|オススメ|お勧め|イチオシ)"
    rf"(?:する|している|の)[^。!?\n「」]{{0,10}}?{_QUOTED}(?:さん|様)?(?:に|を|で)"
    r"(?:ご依頼|ご利用|お申し?込み|お任せ|お買い求め|ご相談|お問い合わせ|ご購入|お願い))"
    # 「〇〇工房」さんにお任せするのが安心 / 〇〇電器で買うのが一番
    rf"|{_QUOTED}{_ENTRUST}"
    # 「〇〇ペイ」だけを使うことをおすすめします
    rf"|{_QUOTED}(?:だけ|のみ)(?:を|で)?(?:使う|利用する|買う|選ぶ|購入する|ご利用いただく|お使いいただく)"
    r"(?:こと)?を?(?:おすすめ|オススメ|お勧め|推奨)(?:します|しています|いたします)",
    re.MULTILINE,
)
# The named business stands among others or is named for its role: not one-sided.
_FAIR = re.compile(
    r"参加|対象|取扱|取り扱い|加盟|協力|登録|認定|指定|許可|協定|連携|各店|各社|市内の|地元の|お近くの|最寄り"
    r"|など|等|一覧|・|協賛|後援|提供|スポンサー|(?<![はら])、"
)
# What a 「」 name holds (「パティスリー・ミナト」) is one name, not a list.
_QUOTED_TEXT = re.compile(r"「[^「」\n]*」")
# Questions and calls for votes are not claims (一番おいしいお店はどこ？ 皆さんの投票で決めます).
_NOT_CLAIM = re.compile(r"どこ|募集|投票|教えて|決め|ください|ましょう|ませんか|でしょう")
_SPONSOR_LINE = re.compile(
    r"^\s*[【\[(]?\s*(?:特別)?(?:協賛|後援|提供|スポンサー|協力)\s*[】\])]?\s*[:：]", re.MULTILINE
)
_BUSINESS_NEAR = re.compile(_BUSINESS)
_NAME_CHAR = re.compile(r"[\u4e00-\u9fff\u30a1-\u30fa\u30fc〇○]")
_GATE = (
    "ここ", "こちら", "この店", "このお店", "お得", "安い", "安く", "安心", "間違いな", "大丈夫", "ok", "オッケー", "ダントツ", "公認",
    "お墨付き", "太鼓判", "お気に入り", "べき", "損", "ないで", "最強", "no.1", "no1", "ナンバーワン", "ナンバー1", "断トツ", "ベスト", "最善",
    "以外", "愛用", "御用達", "行きつけ", "常連", "推し", "他社", "他店",
    "おすすめ", "オススメ", "お勧め", "お薦め", "イチオシ", "いちおし", "一押し", "イチ押し", "なら", "一択",
    "に限る", "で決まり", "一番", "いちばん", "最高", "断然", "しかな", "以外", "より", "比べ", "最も",
    "ナンバーワン", "正解", "安心", "間違いない", "確実", "推薦", "推奨", "だけ", "のみ",
)  # fmt: skip
# The gate as one regex: a single pass instead of one ``in`` scan per word.
_GATE_RE = re.compile("|".join(map(re.escape, _GATE)))


def _is_particle(text: Text, pos: int) -> bool:
    index = text.tokens.index_at(pos)
    return index is not None and text.tokens.items[index].pos[0] == "助詞"


def _line(norm: str, pos: int) -> str:
    a = norm.rfind("\n", 0, pos) + 1
    b = norm.find("\n", pos)
    return norm[a : len(norm) if b < 0 else b]


@rule("neutrality.commercial", title="特定事業者の優遇", severity="warning")
@screened("neutrality.commercial")
def check(text: Text, env: Env) -> Iterator[Hit]:
    norm = text.norm
    if not _GATE_RE.search(norm):
        return
    starts: list[int] = []
    ends: list[int] = []
    for m in _COMMERCIAL.finditer(norm):
        phrase = m.group()
        if m.group("topic") is not None and not _is_particle(text, m.start() - 1):
            continue  # the は of ごはん is no topic marker
        # Several businesses or a role (参加店舗・取扱店・協賛) keep the introduction fair.
        # An endorsement's ください is the call to use the business, not a question.
        bare = _QUOTED_TEXT.sub("「」", phrase)
        if (
            _FAIR.search(bare)
            or (m.group("endorse") is None and _NOT_CLAIM.search(bare))
            or _SPONSOR_LINE.match(_line(norm, m.start()))
        ):
            continue
        start, end = m.start(), m.end()
        while start < end and norm[start] in " \u3000、":
            start += 1
        starts.append(start)
        ends.append(end)
        yield _hit(text, start, end)
    yield from _strong(text, starts, ends)


def _strong(text: Text, starts: list[int], ends: list[int]) -> Iterator[Hit]:
    """Claims from _STRONG that overlap no finding already made.

    One business is the one to choose, calls to go there included. ``starts`` and
    ``ends`` hold the findings made so far, sorted; kept findings never overlap, so
    both lists stay sorted and one bisection finds the only candidate for an overlap.
    """
    norm = text.norm
    for m in (m for pattern in _STRONG for m in pattern.finditer(norm)):
        start, end = m.span()
        i = bisect_right(ends, start)
        if i < len(ends) and starts[i] < end:
            continue
        groups = m.re.groupindex
        if "verb" in groups:
            business = _BUSINESS_BEFORE.search(norm, max(0, start - 16), start)
            if business is None:
                continue
            start = business.start()
        elif "here" in groups and not _BUSINESS_NEAR.search(
            norm, max(0, start - 60), min(len(norm), end + 60)
        ):
            continue
        # 「〇〇」、絶対に行くべき: a comma after one name is no list; two names are.
        bare = _QUOTED_TEXT.sub("「」", norm[start:end]).replace("」、", "」")
        if bare.count("「」") > 1 or _FAIR.search(bare) or _SPONSOR_LINE.match(_line(norm, start)):
            continue
        # 山田電機で買うのがお得: the span starts at the name, not at its 電機.
        low = max(0, start - 10)
        while start > low and _NAME_CHAR.match(norm[start - 1]):
            start -= 1
        i = bisect_right(ends, start)
        if i < len(ends) and starts[i] < end:
            continue  # two phrasings of one claim (「〇〇」が一番安い / 〇〇で買うのが一番安い)
        starts.insert(i, start)
        ends.insert(i, end)
        yield _hit(text, start, end)


def _hit(text: Text, start: int, end: int) -> Hit:
    oa, ob = text.to_original(start, end)
    return Hit(
        start, end,
        f"「{text.original[oa:ob]}」は特定の事業者・商品だけを推す表現です（公平性への配慮）",
        Suggestion("複数の事業者を同じ扱いで紹介するか、参加店舗一覧などへ案内してください"),
    )  # fmt: skip
