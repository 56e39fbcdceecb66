"""違法行為を勧めたり、容認・称賛したりする表現を検出する。

## 何を検出するか
違法行為を指す語（「ポイ捨て」「不法投棄」「飲酒運転」「無免許」「脱税」「不正受給」「万引き」
「闇バイト」「大麻」「違法ダウンロード」「オンラインカジノ」「路駐」「傘差し運転」「ノーヘル」
「違法サイト」「トレント」「ヤミ民泊」「他人の山」「勝手に入って」など）が、同じ文の中で
容認・推奨・称賛する言葉（「大丈夫」「OK」「平気」「問題ない」「バレない」「お得」「コツ」
「やり方」「買える」「稼げる」「武勇伝」「タダ」「採り放題」「穴場」「気持ちいい」
「しちゃいました」など）と一緒に使われているものを検出します。
「バレなければ」「捕まらない方法」のように、それだけで違反をそそのかす言い方も検出します。

違法行為を名指ししない言い回しも、次の形に限って検出します。
- 「〜しても（〜すれば）バレない・気付かれない・見つからない・撤去されない」
  （「書いても税務署にはバレません」「公園に置いておけば、まず見つかりません」）
- 山・川・空き地などに「捨てれば／置いておけば」と、「お金がかからない」「大丈夫」などの組み合わせ
- 「お酒を飲んでいても〜運転して大丈夫」「免許がなくても〜運転して大丈夫」
- 「未成年でもお酒OK」のような20歳未満の飲酒・喫煙の容認
- 「立入禁止の柵を乗り越えれば」のような侵入の勧め
- 禁止を認めたうえで軽く扱うもの: 「駐車禁止だけど5分くらいなら平気」「釣り禁止だけど穴場」
  「飛行禁止区域だけど、こっそり飛ばしちゃいました」（「少しなら」「こっそり」「穴場」などと
  容認の言葉が続くもの。「同伴は禁止ですが、補助犬は大丈夫です」のような例外の案内は対象外）
- 「一杯だけなら運転しても問題ない」「ビール1本くらいなら運転しても平気」
  「酔っ払ってても車で帰っちゃいました」（飲酒運転の容認・告白）
- 「友達の免許証を借りて運転すればOK」（他人の証明書の使用）
- 「花火禁止の河川敷で、夜こっそり打ち上げ花火しました」（禁止の場所でこっそり行ったこと）
- 「年齢確認されないコンビニならお酒が買える」、「申請書に多めに書いても通ります」（不正受給）
- 「公園のゴミ箱に捨てればタダで処分できる」（家庭ごみの不正な投棄）、「すぐ戻れば切符切られない」
- 「18歳だけどお酒デビュー」「高校生のみんなもお酒飲んじゃおう」
- 「申告しなければ税金がかからない」「現金払いなら消費税を払わなくて済む」（脱税の勧め）
- 「許可を取っていない民泊でも、苦情が来なければ問題ありません」（無許可営業の勧め。
  「5人以下なら届け出なしでも大丈夫です」のような適用除外の案内は対象外）
一覧は `koshiki/checker/lexicons/harm.toml`（`rule = "harm.illegal"`）にあります。

次の場合は検出しません。
- 違法行為への警告・注意喚起・取締りの案内（「不法投棄は犯罪です」「飲酒運転は絶対に
  やめましょう」「特殊詐欺にご注意ください」「闇バイトに応募しないで！『簡単に稼げる』は
  危険なサインです」）。ただし「犯罪だけど」「違法でも」のように警告を打ち消す言い方は
  警告とみなしません。
- 推奨する言葉を伴わない事実の記述（「大麻の所持で逮捕される若者が増えています」、
  神社の「大麻（おおぬさ）」）。
- かぎかっこで引用した語（「『バレなければ』という油断が事故につながります」）。
- 探しものが見つからない話（「いくら探しても見つからない場合は」）や、
  「子どもにバレないように」のような違法でない隠しごと。

## なぜ問題か
各市のガイドラインは、違法行為や違法行為をあおる情報の発信を禁じています。
行政が違反を軽く扱えば、市がそれを認めたと受け取られ、実際の違反や事故を招きかねません。
冗談や委託先の投稿であっても同じです。

## 例
- NG: 「ゴミはその辺にポイ捨てしても誰も気にしないよ笑」
- NG: 「無免許でも田舎道ならバレないから大丈夫」
- OK: 「不法投棄は犯罪です。見かけたら通報してください。」（警告）
- OK: 「年末年始は飲酒運転は絶対にやめましょう。」（注意喚起）

## 代わりに
違法行為を容認・推奨する表現を削除してください。違反について触れるときは、
禁止されていることと正しい方法（処分の申込先、相談窓口など）を書いてください。

## 参考
- 京都市ソーシャルメディアガイドライン 5(1)キ
- 狛江市ソーシャルメディア活用ガイドライン 4(4)ウ
- 石巻市ソーシャルメディアガイドライン 4(6)
- 安芸高田市ソーシャルメディア運用ガイドライン 2(6)ウ
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(11)キ
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.harm._context import (
    Taken,
    candidates,
    context,
    first_match,
    has_marker,
    is_mention,
    iter_unique,
    original,
    sentences_with,
)
from koshiki.checker.semantic.screen import screened
from koshiki.checker.text import Text

RULE = "harm.illegal"

# Words that approve, recommend or praise the act (checked only in the act's sentence).
_CUE = re.compile(
    r"大丈夫|(?<![a-z])ok(?![a-z])|オッケー|おっけー|平気|問題ない|問題なし|問題(?:は)?ありません|構わない|かまわない"
    r"|構いません|かまいません|気にしない"
    r"|気にしなくて|いいよ|いいじゃん|セーフ|バレ|(?<![\u4e00-\u9fff])ばれ(?:な|ず|へん|ませ)|捕まらない"
    r"|捕まりません|見つからない|お得|おトク|おすすめ|オススメ|お勧め|お薦め|コツ|裏技|裏ワザ"
    r"|(?:の|する|できる)(?:方法|やり方)|購入方法|入手方法|やり方|稼げ|稼ご|稼ぐ|儲か|もうか|買え|買お"
    r"|購入でき|入手|手に入|売ります|譲ります|格安|激安|(?:無料|タダ)で(?:見|読|視聴|処分|捨て|手に入)"
    r"|試してみ|やってみ|最高|武勇伝|楽勝|余裕|みんなやって|誰でもやって|許される|大目に|自慢"
    r"|かっこいい|カッコイイ|(?:費用|処分費|処理費|手数料|料金|お金|税金)(?:が|は|も)?(?:かかりません|かからない|かからず|不要|浮)"
    # Casual approval in SNS posts: タダ, 採り放題, 気持ちいい, 穴場, しちゃいました.
    r"|タダ(?!し)|(?:無料|タダ)(?:です|だ|でした|になる|になります)|放題|気持ちいい|気持ち良い|爽快|穴場"
    r"|(?:しちゃ|やっちゃ|飲んじゃ|飛ばしちゃ)(?:おう|った|いました|え)|払わなくて(?:済|いい|も)"
    r"|持って(?:い)?って(?:くれ|もらえ)"
)
# Warnings, prohibitions, enforcement and prevention: the act is mentioned to stop it
# (RULES.md: warnings against illegal acts are not a finding).
_AGAINST = re.compile(
    r"やめ(?:ましょう|よう|て|る|なさい)|止めましょう|しないで|ないでください|ないで下さい|ないで[!！。]"
    r"|ないよう(?:に)?(?:しましょう|お願い|ご注意|注意|気をつけ)|ないこと|しません|させない"
    r"|禁止|禁じ|厳禁|犯罪|違法|違反|法律で|法令|罰金|罰則|過料|懲役|処罰|罰せ|刑事|逮捕|検挙|摘発"
    r"|容疑|疑い|送検|取り?締ま|取締|注意|気をつけ|気を付け|防止|防ぐ|防犯|未然|撲滅|根絶|追放"
    r"|ストップ|stop|ダメ|だめ|駄目|ゼッタイ|許さ(?:れない|れません|ない|ず)|いけません|いけない|なりません|厳しく|危険|被害"
    r"|相談|通報|対策|啓発|キャンペーン|運動|講習|パトロール|監視|警察|警戒|断って|断る|断り"
    r"|誘われても|手を出さ|関わらない|巻き込まれ|加担|乱用|依存|恐ろしさ|怖さ|リスク"
    r"|なくそう|なくしましょう|減らそう|減らしましょう|油断|につなが|を招"
)
# Quoted words are reported speech (「簡単に稼げる」は危険なサイン), not the author's approval.
_QUOTED = re.compile(r"「[^」]*」|『[^』]*』")
# The act itself is negated: 「ポイ捨てしないのがおすすめ」「ポイ捨てをなくす」.
_NEGATED = re.compile(
    r"(?:を|は|も)?(?:絶対に|決して)?(?:しない|せず|しません|させない|なくす|なくそう|減らす|減らそう|ゼロ)"
)

# A phrase's span starts at the beginning of its clause, at most this far back.
_CLAUSE_REACH = 25
_CLAUSE_BREAKS = frozenset("、,。！？!?\n \u3000")
_GAP = r"[^。！？!?\n]{0,25}?"


@dataclass(frozen=True, slots=True)
class _Phrase:
    """An encouraging phrase without a listed act noun, found in one sentence."""

    pattern: re.Pattern[str]
    needs_cue: bool
    message: str
    from_clause: bool = False  # extend the span back to the start of the clause


# Phrases that encourage an illegal act without naming it (Kawasaki 5(11)キ 違法行為をあおる):
# the act is only wrong if someone may notice, it is free if dumped in the wrong place, ...
_PHRASES = (
    _Phrase(
        re.compile(
            r"(?<!探し)(?<!捜し)(?<!検索し)(?<!調べ)(?<!確認し)(?:ても|でも|れば|けば|せば|てば|えば|なら)"
            r"[、,\s]*" + _GAP + r"(?:バレ|(?<![\u4e00-\u9fff])ばれ|気付かれ|気づかれ|捕まら|捕まり|撤去され"
            r"|罰せられ|見つから|見つかり|切符を?切られ|罰金を?取られ|通報され)(?:ない|ません|ず)(?!よう)"
        ),
        needs_cue=False,
        message="発覚しないことを理由に、違反になる行為を勧める表現です",
        from_clause=True,
    ),
    _Phrase(
        re.compile(
            r"(?:山|川|河川敷|海|空き地|道端|路上|その辺|そのへん|林|森|畑|田んぼ|公園|他人の土地|コンビニ|駅)"
            r"(?:の中|の奥|の(?:ゴミ箱|ごみ箱|ゴミ捨て場))?に"
            r"[^、。！？!?\n]{0,8}?(?:捨て|埋め|燃や|置い)(?:て(?:しまえば|おけば|いけば|も)|れば|ちゃえば|ても)"
        ),
        needs_cue=True,
        message="ごみを決められた場所以外に捨てること（不法投棄）を勧める表現です",
    ),
    _Phrase(
        re.compile(
            r"(?:お酒|酒|ビール)を?(?:飲んで(?:い)?ても|飲んだ(?:後|あと)でも)"
            + _GAP
            + r"(?:運転|車で帰|ハンドル)"
        ),
        needs_cue=True,
        message="飲酒後の運転（飲酒運転）を容認する表現です",
    ),
    _Phrase(
        re.compile(
            r"免許(?:が|を|は)?(?:なくても|無くても|持っていなくても|持ってなくても|取らなくても|返納しても|返納していても)"
            + _GAP
            + r"運転"
        ),
        needs_cue=True,
        message="免許のない運転（無免許運転）を容認する表現です",
    ),
    _Phrase(
        re.compile(
            r"(?:未成年|20歳未満|二十歳未満|高校生|中学生|小学生)(?:でも|も|なら)"
            r"[^。！？!?\n]{0,10}?(?:お酒|飲酒|酒|ビール|タバコ|たばこ|喫煙)"
        ),
        needs_cue=True,
        message="20歳未満の飲酒・喫煙を容認する表現です",
    ),
    _Phrase(
        re.compile(
            r"(?:立入禁止|立ち入り禁止|立入り禁止|進入禁止)[^。！？!?\n]{0,15}?"
            r"(?:乗り越え|越えれば|入れば|入っても|くぐれば|くぐって|侵入すれば)"
        ),
        needs_cue=False,
        message="立入禁止の場所への侵入を勧める表現です",
    ),
)
_PHRASES += (
    # 酔っ払ってても車で帰っちゃいました / 飲んでたけど運転して帰りました (a confessed act)
    _Phrase(
        re.compile(
            r"(?:酔っ(?:払|ぱら)って|酔って|飲んで)(?:い)?(?:ても|たけど|たのに)[、,]?[^。！？!?\n]{0,15}?"
            r"(?:運転して帰|車で帰|運転し)(?:っちゃ|ちゃ|りました|ました|った|た|てきた)"
        ),
        needs_cue=False,
        message="飲酒後の運転（飲酒運転）を容認する表現です",
    ),
    # 友達の免許証を借りて運転すればOK
    _Phrase(
        re.compile(
            r"(?:他人|友達|友人|家族|兄|姉|親|人)の(?:免許証?|保険証|マイナンバーカード|身分証|学生証)(?:を)?"
            r"(?:借りて|借りれば|使って|使えば)"
        ),
        needs_cue=True,
        message="他人の証明書を使うこと（なりすまし・無免許運転など）を勧める表現です",
    ),
    # 花火禁止の河川敷で、夜こっそり打ち上げ花火しました (done in secret where it is banned)
    _Phrase(
        re.compile(
            r"(?:禁止|厳禁)(?:の|されている|されてる)[^。！？!?\n]{0,15}?(?:こっそり|内緒で|黙って|隠れて)"
            r"[^。！？!?\n、,]{0,15}?(?:しちゃいました|やっちゃいました|しました|やりました|しちゃった|やった)"
        ),
        needs_cue=False,
        message="禁止されている場所・行為をこっそり行ったことを肯定的に書く表現です",
        from_clause=True,
    ),
    # 年齢確認されないコンビニならお酒が買える
    _Phrase(
        re.compile(
            r"年齢確認(?:を)?(?:され|し)(?:ない|ません|なかった)[^。！？!?\n]{0,15}?(?:お酒|酒|ビール|タバコ|たばこ)"
        ),
        needs_cue=True,
        message="20歳未満の飲酒・喫煙につながる購入方法を勧める表現です",
    ),
    # 給付金は申請書に多めに書いても通ります (fraudulent claims)
    _Phrase(
        re.compile(
            r"(?:多めに|水増しして|盛って|嘘を|偽って|ごまかして|架空の)[^。！？!?\n]{0,6}?"
            r"(?:書い|申請し|申告し|記入し)て(?:も|おけば|れば)[、,]?[^。！？!?\n]{0,10}?"
            r"(?:通り|通る|バレ|ばれ|もらえ|受け取れ|大丈夫|(?<![a-z])ok)"
        ),
        needs_cue=False,
        message="虚偽の申請（不正受給・詐欺）を勧める表現です",
    ),
    # 駐車禁止だけど5分なら平気 / 釣り禁止だけど穴場 / 禁止エリアですが一本くらいなら大丈夫:
    # a ban conceded, then played down (not 「同伴は禁止ですが、補助犬は大丈夫です」, an exception).
    _Phrase(
        re.compile(
            r"(?:禁止|厳禁|違反|違法|(?<![a-z])ng(?![a-z]))[^、,。！？!?\n]{0,10}?(?:だ|です|な|なん)?"
            r"(?:けど|けれど|ですが|だが|でも|なのに|とはいえ)[、,]?[^。！？!?\n]{0,30}?"
            r"(?:ちょっと|少し|少々|短時間|\d{1,2}分|一瞬|夜なら|深夜|こっそり|内緒|黙って|みんな|誰も"
            r"|たまに|一本|1本|一杯|1杯|一回|1回|一度|穴場|バレ|ばれ|しちゃ|やっちゃ|飛ばしちゃ)"
        ),
        needs_cue=True,
        message="禁止されていることを認めたうえで、少しなら構わないと勧める表現です",
        from_clause=True,
    ),
    # 許可を取っていない民泊でも、苦情が来なければ問題ありません: no permit, as long as nobody
    # complains (a bare 「届け出なしでも大丈夫です」 states a legal exemption and is not matched).
    _Phrase(
        re.compile(
            r"(?:無許可|無届け?|無資格|許可(?:を)?(?:取って|得て|受けて)?(?:いない|ない|なし|なく|無し|無く|取らず|得ず)"
            r"|届け?出(?:を)?(?:して)?(?:いない|なし|なく|せず))[^。！？!?\n]{0,20}?(?:でも|ても|なら)[、,]?"
            r"[^。！？!?\n]{0,20}?(?:(?:苦情|通報|文句|クレーム|指摘)が(?:来|出|入ら)?(?:なければ|ない限り|なきゃ)"
            r"|バレ|ばれ|こっそり|黙って|内緒|みんな)"
        ),
        needs_cue=True,
        message="必要な許可や届出のない営業・行為を、発覚しなければよいと勧める表現です",
        from_clause=True,
    ),
    # 一杯だけなら運転しても問題ない / ビール1本くらいなら運転しても平気
    _Phrase(
        re.compile(
            r"(?:お酒|酒|ビール|ワイン|日本酒|チューハイ|一杯|1杯|一口|ひと口|1本|一本|少し飲|ちょっと飲|軽く飲)"
            r"[^。！？!?\n]{0,8}?(?:なら|でも|程度|くらい|ぐらい)[^。！？!?\n]{0,10}?(?:運転|車で帰|ハンドル|乗って帰)"
        ),
        needs_cue=True,
        message="飲酒後の運転（飲酒運転）を容認する表現です",
    ),
    # 18歳だけどお酒デビュー / 高校生のみんなもお酒飲んじゃおう
    _Phrase(
        re.compile(
            r"(?:1[0-9]歳|十[五六七八九]歳|未成年|高校生|中学生)(?:だけど|ですが|なのに|なんだけど|の(?:みんな|皆さん)も|でも|も)"
            r"[、,]?[^。！？!?\n]{0,15}?(?:お酒|飲酒|酒|ビール|チューハイ|タバコ|たばこ|喫煙)"
            r"[^。！？!?\n]{0,10}?(?:デビュー|飲んじゃ|飲もう|飲みました|飲んでみ|吸っちゃ|吸ってみ|吸いました|解禁)"
        ),
        needs_cue=False,
        message="20歳未満の飲酒・喫煙を容認する表現です",
    ),
    # 申告しなければ税金がかからない / 現金払いなら消費税を払わなくて済む
    _Phrase(
        re.compile(
            r"(?:現金払い|手渡し|申告しなければ|申告しない|申告せず|申告しなきゃ|隠せば|ごまかせば|帳簿に載せなければ)"
            r"[^。！？!?\n]{0,20}?(?:税金|消費税|所得税|税)(?:を|が|も)?"
            r"(?:払わなくて(?:済|いい|も)|かからない|かかりません|逃れ|ごまかせ|浮|ゼロ)"
        ),
        needs_cue=False,
        message="税を申告せずに逃れること（脱税）を勧める表現です",
    ),
)
# Any of these in a sentence makes the phrases above worth trying there.
_PHRASE_ANCHOR = re.compile(
    r"バレ|ばれ|気付かれ|気づかれ|捕まら|捕まり|撤去され|罰せられ|見つから|見つかり|捨て|埋め|燃や|置い"
    r"|飲んで|飲んだ|免許|禁止|未成年|未満|高校生|中学生|小学生|厳禁|違反|違法|ng|運転|ハンドル|車で帰|乗って帰"
    r"|歳|税|許可|届|資格|酔っ|飲ん|証|こっそり|内緒|黙って|隠れて|年齢確認|多めに|水増し|盛って|嘘を|偽って|ごまかして|架空"
)

_SUGGESTION = Suggestion(
    "違法行為を容認・推奨する表現を削除し、禁止されていることと正しい方法を書いてください"
)


@rule("harm.illegal", title="違法行為の助長", severity="error")
@screened("harm.illegal")
def check(text: Text, env: Env) -> Iterator[Hit]:
    norm = text.norm
    found = Taken()
    for m in iter_unique(candidates(text, RULE)):
        if is_mention(norm, m.start, m.end) or _NEGATED.match(norm, m.end):
            continue
        ctx = context(norm, m.start, m.end)
        if has_marker(_AGAINST, ctx):
            continue
        word = original(text, m.start, m.end)
        if "needs-cue" in m.entry.tags:
            cue = first_match(_CUE, _QUOTED.sub("\x00", ctx))
            if cue is None:
                continue
            message = f"違法行為の「{word}」を「{cue}」と容認・推奨する表現です（{m.entry.category}）"
        else:
            message = f"「{word}」は違法行為をそそのかす表現です"
        found.add(m.start, m.end)
        yield Hit(m.start, m.end, message, _SUGGESTION)
    yield from _phrases(norm, found)


def _phrases(norm: str, found: Taken) -> Iterator[Hit]:
    """Encouraging phrases without a listed act, skipping spans a listed word already covers."""
    for a, b in sentences_with(norm, _PHRASE_ANCHOR):
        part = norm[a:b]
        cues: list[re.Match[str]] | None = None
        for phrase in _PHRASES:
            for m in phrase.pattern.finditer(part):
                start, end = a + m.start(), a + m.end()
                if phrase.from_clause:
                    start = _clause_start(norm, start, a)
                if phrase.needs_cue:
                    if cues is None:
                        # One cue scan per sentence, outside quotations (offsets kept).
                        cues = list(_CUE.finditer(_QUOTED.sub(_blank, part)))
                    cue = next((c for c in cues if c.start() >= m.end()), None)
                    if cue is None:
                        continue
                    end = a + cue.end()
                if found.overlaps(start, end):
                    continue
                if has_marker(_AGAINST, norm[a:start] + "\x00" + norm[end:b]):
                    continue
                found.add(start, end)
                yield Hit(start, end, phrase.message, _SUGGESTION)


def _blank(m: re.Match[str]) -> str:
    """Blank a quotation, keeping offsets (cue positions must map back to the text)."""
    return "\x00" * len(m.group())


def _clause_start(norm: str, pos: int, low: int) -> int:
    """Start of the clause holding ``pos`` (after the last comma or break), within reach."""
    stop = max(low, pos - _CLAUSE_REACH)
    while pos > stop and norm[pos - 1] not in _CLAUSE_BREAKS:
        pos -= 1
    return pos
