"""人種・民族・国籍、障害、出身、性別、性的指向、職業などによる差別語と差別的な内容を検出する。

## 何を検出するか
差別語・蔑称と、排除をあおる決まり文句を検出します。分類は一般的な差別用語の一覧にならい、
次のものを載せています（一覧は `koshiki/checker/lexicons/harm.toml` の
`rule = "harm.discrimination"`、語ごとに理由と言い換えの目安を記載）。
- 障害・疾病: 「めくら」「つんぼ」「かたわ」「きちがい」「知恵遅れ」「痴呆」「らい病」など
- 部落差別: 「特殊部落」「部落民」、地域を「〇〇部落」と呼ぶ言い方など
- 人種・民族・国籍: 「外人」「支那」「土人」「三国人」、「国へ帰れ」、「外国人は出ていけ」など
- 性別・性的指向: 「女のくせに」「女々しい」「行き遅れ」「オカマ」「ホモ」など
- 職業・社会的身分: 「ドカタ」「屠殺」「乞食」「浮浪者」「ナマポ」など

差別語を含まなくても、属性を理由に人を排除したり決めつけたりする文も検出します。
国籍・民族（「外国人」「中国人」「ベトナム人」など「〇〇人」）・宗教（「イスラム教徒」）・性的指向や
性自認（「ゲイ」「LGBT」「トランスジェンダー」）・障害や病気・出身（「〇〇地区出身の人」）・
生活保護やひとり親家庭（「シングルマザーの家庭」）・年齢（「高齢者」「年寄り」）・地域（「〇〇県民」
「田舎者」）で人を指した後に、
- 排除: 「お断り」「ご遠慮ください」「入店禁止」「NG」「不可」「受け付けておりません」
  「採用しません」「契約できません」「来るな」「結婚させない」など
  （「外国籍の方のご入居はお断りしております」「当アパートは外国人NGです」）
- 決めつけ: 「犯罪が多い」「マナーが悪い」「働けない」「甘え」「病気です」「生産性がない」
  「気持ち悪い」「問題を起こしやすい」「運転が下手」「ケチ」「かわいそう」「日本が壊れる」など
  （「生活保護は甘え」「同性愛は病気です」「移民が増えると日本が壊れる」）
が同じ文で続くものと、性別による決めつけ（「女性は向いていない」「男なんだから泣くな」
「女は黙って」「女の子のくせに」「男の育休なんて甘え」）です。

次の場合は検出しません。
- 差別の解消を呼びかける文や人権啓発の文（「あらゆる差別をなくしましょう」
  「部落差別の解消に向けた啓発」）と、「部落差別」「被差別部落」などの人権教育の用語。
- 法律・条例の名前（障害者差別解消法、部落差別解消推進法、ヘイトスピーチ解消法、らい予防法）。
- 言葉そのものとしてかぎかっこで引用した語（「『めくら』『つんぼ』といった言葉は差別語です」）、
  旧称の説明（「『痴呆』という呼称は『認知症』に改められました」）、作品名（『白痴』）。
- 定着した固有名（「外人墓地」「支那そば」「ホモ・サピエンス」、姓の「土方」）。
- 排除を否定する文（「車いすの方もご遠慮なくお声がけください」「お断りすることは差別解消法で
  禁止されています」）と、思い込みを見直そうと呼びかける文
  （「『女性は理系に向いていない』という思い込みをなくそう」「『外国人は犯罪が多い』というのは偏見です」）。
- 専用・優先の案内（「女性専用車両のため男性の方はご遠慮ください」）と、健康や制度の案内
  （「高齢者は熱中症になりやすい」「障害者手帳をお持ちの方は無料です」）。

## なぜ問題か
各市のガイドラインは、人種・思想・信条・性別等による差別や、差別を助長させる情報の発信を
禁じています。行政が差別語を使えば、その語を公に認めたと受け取られ、当事者を深く傷つけます。
悪意のない比喩（「きちがいじみた暑さ」）や古い言い方（「〇〇部落」「痴呆」）でも同じです。

## 例
- NG: 「外人観光客の皆さまにも分かりやすい案内板を設置しました。」
- NG: 「きちがいじみた暑さが続いています。」
- NG: 「外国籍の方のご入居はお断りしております。」（属性による排除）
- OK: 「12月4日から10日は人権週間です。あらゆる差別をなくしましょう。」（人権啓発）
- OK: 「改正障害者差別解消法が施行されました。」（法律名）
- OK: 「『めくら』『つんぼ』といった言葉は、障害のある人を傷つける差別語です。」（言葉としての引用）

## 代わりに
属性を指す中立的な言葉に言い換えてください（外国人・海外からの方、視覚障害のある人、
認知症、集落・地区、路上生活者など）。属性を書く必要がなければ書かないでください。

## 参考
- 京都市ソーシャルメディアガイドライン 5(1)キ
- 狛江市ソーシャルメディア活用ガイドライン 4(4)ウ
- 石巻市ソーシャルメディアガイドライン 4(6)
- 安芸高田市ソーシャルメディア運用ガイドライン 2(6)イ
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(11)カ
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.harm._context import (
    Taken,
    candidates,
    context,
    has_marker,
    in_law_name,
    in_quote,
    is_mention,
    iter_unique,
    original,
    post_has,
    sentence,
    sentences_with,
)
from koshiki.checker.semantic.screen import screened
from koshiki.checker.text import Text

RULE = "harm.discrimination"

# The sentence is about discrimination itself: a campaign, human-rights education,
# or an explanation that a term was replaced (RULES.md: not a finding).
_AGAINST = re.compile(
    r"差別|人権|偏見|ヘイト|撲滅|根絶|啓発|同和|言い換え|言いかえ|不快(?:語|用語)|呼称|旧称|改称"
    r"|に改め(?:られ|ました|る)|かつて|と呼ばれ|傷つけ|傷付け|使わない|使用しない|言わない"
    r"|思い込み|固定観念|固定的|決めつけ|ステレオタイプ|アンコンシャス"
)
# A human-rights post: slurs quoted in it are examples, not the author's words.
_CAMPAIGN = re.compile(r"人権|差別(?!化)|偏見|ヘイト|同和|啓発")
# 出ていけ counts only when a group of people is named just before it (外国人は出ていけ).
_GROUP_BEFORE = re.compile(
    r"(?:外国|民族|移民|難民|在日|国籍|[\u4e00-\u9fff\u30a1-\u30fa]人)(?:たち|達|ども|共|ら)?(?:は|なんか|など|も)?[、,\s]*$"
)
_GROUP_REACH = 20

# Content that excludes or disparages people by an attribute, without a listed word
# (「外国籍の方は入居をお断りしています」「障害のある方はご遠慮ください」): a group named
# by nationality, disability, sexuality, origin or welfare status, as the subject or
# object of the sentence, followed by refusal or a prejudiced generalisation.
_NATIONALITY = (
    r"(?:(?:[\u30a1-\u30fa\u30fc]{2,8}|中国|韓国|朝鮮|北朝鮮|台湾|米国|英国|中東|南米|東南アジア|黒|白|日本以外)人"
    r"(?!口|気|材|形|物|間|権|員|数|工|類|生|事|格|件|文|力|体|当|前|手|目|出)"
    r"|(?:[\u30a1-\u30fa\u30fc]{2,8}|仏|神道)教徒|ムスリム|クリスチャン|ユダヤ人)"
)
_GROUP = (
    r"(?:外国人(?:労働者)?|外国籍|日本国籍以外|日本人以外|外国出身|外国|ハーフ|混血|移民|難民|技能実習生"
    + r"|"
    + _NATIONALITY
    + r"|(?:知的|精神|発達|身体)?(?:障害|障がい|障碍)(?:のある|を持つ|がある|者)|車いす|車椅子|認知症の"
    r"|精神疾患のある|精神病の|lgbtq?\+?|性的少数者|性的マイノリティ|同性愛者?|ゲイ|レズビアン|バイセクシュアル"
    r"|トランスジェンダー|移住者|生活保護を受けている|生活保護受給者|生活保護の受給者|生活保護を利用している"
    r"|生活保護|生保|母子家庭|父子家庭|ひとり親家庭|片親|施設出身|ホームレス|部落出身|同和地区出身"
    r"|[\u4e00-\u9fff〇○]{1,6}(?:地区|地域|部落)出身|在日|高齢者|お年寄り|年寄り|老人"
    r"|シングルマザー|シングルファーザー|田舎者|田舎の人|地方出身者?|[\u4e00-\u9fff〇○]{1,4}県民|女性ドライバー"
    r"|高齢ドライバー|高齢者ドライバー)"
    r"(?:の)?(?:方|人|人たち|人々|皆さん|皆様|お客様|観光客|客|住民|労働者|若者|子ども|子|グループ|集団|家庭|家族)?"
    r"(?:たち|々|って)?"
)
# The group must be the topic, subject or object (障害者用駐車場 is not about people).
_ROLE = r"(?:は|や|を|が|も|とは|には|なんて|なんか|の(?:ご)?(?:入居|参加|入店|利用|入場|来店|応募|採用|雇用|契約))"
_EXCLUSION_WORDS = (
    r"お断り(?!しません|しない|することはありません)|ご遠慮ください|ご遠慮願います|ご遠慮いただ"
    r"|遠慮して(?:もら|いただ|ください)|参加させない|参加させず|入れない方が|控えてもらいた|来ないで"
    r"|入居できません|悪影響|治安が悪|治安が心配|迷惑にな(?:る|り|って)|怠け者|よそ者|犯罪が増え|出ていって"
    r"|禁止(?<!を禁止)(?!されて|する法|法)|不可(?!欠|能|避|思議|分)|ng(?<![a-z]ng)(?![a-z])|お断わり"
    r"|受け付けておりません|受け付けていません|受け付けません|採用していません|採用しません|採用しない"
    r"|雇わない|雇いません|雇うのは難しい|契約できません|貸せません|貸しません|貸さない|住ませない"
    r"|住んでほしくない|来てほしくない|来るな|入るな|出ていけ|出て行け|結婚させない|付き合わない方が"
    r"|関わらない方が|使わないでほしい|いらない|要らない|来なくていい"
)
_EXCLUSION = rf"(?:{_EXCLUSION_WORDS})"
# A prejudiced generalisation about the group named as the topic (外国人は犯罪が多い).
_TRAIT_WORDS = (
    r"マナーが悪い|民度が低い|犯罪が多い|犯罪を起こ|犯罪者|怖い(?<!が怖い)|不潔|汚い|うるさい|信用できな"
    r"|信用できません|嘘つき|怠け|甘え|働かない|働けない|劣って|劣る|能力が低い|生産性がない|普通じゃない"
    r"|異常|病気です|病気だ|気持ち悪い|キモい|問題を起こし|お荷物|足を引っ張|らしくない|じゃない方が"
    r"|運転するな|するな(?![らんど])|治らない|治る病気|下手|マナーを知らない|ケチ|かわいそう|可哀想|壊れる|崩壊する"
    r"|税金の無駄|危ない(?<!が危ない)"
)
_TRAIT = rf"(?:{_TRAIT_WORDS})"
_GENDER_WORDS = (
    r"無理(?=です|だ|なので|だから|がある|。|$)|向いていない|向かない|不向き|家庭に入|家庭を守|家庭が一番"
    r"|泣くな|でしゃばる|感情的|黙って|口を出すな|出しゃばる|論理的じゃない|論理的でない|理系は苦手"
    r"|お茶くみ|お茶汲み|子どもを産んで|子供を産んで|嫁に行|甘え|必要ない|いらない"
)
_GENDER_STEREOTYPE = rf"(?:{_GENDER_WORDS})"
_PREJUDICE = (
    re.compile(
        r"(?P<group>"
        + _GROUP
        + r")(?:"
        + _EXCLUSION
        + r"|(?:は|って|なんて|なんか|も|が)[、,]?[^。！？!?\n]{0,20}?"
        + _TRAIT
        + r"|"
        + _ROLE
        + r"[^。！？!?\n]{0,30}?"
        + _EXCLUSION
        + r")"
    ),
    # Gender roles: 「女性は体力的に無理」「男なんだから泣くな」 (not 長男は無理をせず).
    re.compile(
        r"(?<![\u4e00-\u9fff])(?:女性|女の人|女の子|女子|女|男性|男の子|男子|男|主婦|母親|嫁)"
        # 男の育休なんて甘え / 女の運転は下手
        r"(?:の(?:育休|育児|家事|仕事|運転))?"
        r"(?:は|なのに|だから|なんだから|って|なら|なんて)"
        r"[^。！？!?\n]{0,12}?" + _GENDER_STEREOTYPE
    ),
)
# Priority and reserved-use notices name a group to protect it, not to exclude it
# (「障害者の方を優先しますので、それ以外の方はご遠慮ください」).
_RESERVED = re.compile(r"優先|専用|以外の方|以外の人|のための")
# One flat alternation of words (no group or look-behind first), so the engine skips ahead.
_PREJUDICE_ANCHOR = re.compile(_EXCLUSION_WORDS + r"|" + _TRAIT_WORDS + r"|" + _GENDER_WORDS)
_PREJUDICE_SUGGESTION = Suggestion("属性を理由に人を排除したり決めつけたりする内容を削除してください")

_SUGGESTIONS = {
    "障害": "障害や病気を表す中立的な言葉（視覚障害のある人、認知症など）に言い換えてください",
    "障害・疾病": "病名は現在の正式な名称（ハンセン病など）で書いてください",
    "部落差別": "地域は「集落」「地区」などと書き、出身を示す言葉は使わないでください",
    "人種・民族・国籍": "「外国人」「海外からの方」など中立的な言葉にし、出自で人を排除する表現は削除してください",
    "性別": "性別による役割や特性を決めつけない表現にしてください",
    "性的指向・性自認": "性的指向・性自認をからかう言葉は使わないでください",
    "職業": "職業の正式な名称（建設作業員、食肉処理など）で書いてください",
    "社会的身分": "「路上生活者」「生活保護の利用者」など中立的な言葉に言い換えてください",
}
_DEFAULT_SUGGESTION = "属性を指す中立的な言葉に言い換えるか、属性に触れないでください"


@rule("harm.discrimination", title="差別表現", severity="error")
@screened("harm.discrimination")
def check(text: Text, env: Env) -> Iterator[Hit]:
    norm = text.norm
    found = Taken()
    for m in iter_unique(candidates(text, RULE)):
        if "needs-group" in m.entry.tags:
            a, _ = sentence(norm, m.start, m.end)
            if not _GROUP_BEFORE.search(norm, max(a, m.start - _GROUP_REACH), m.start):
                continue
        if is_mention(norm, m.start, m.end) or in_law_name(norm, m.end):
            continue
        if has_marker(_AGAINST, context(norm, m.start, m.end)):
            continue
        if in_quote(norm, m.start, m.end) and post_has(text, "discrimination-campaign", _CAMPAIGN):
            continue
        word = original(text, m.start, m.end)
        category = m.entry.category
        suggestion = Suggestion(_SUGGESTIONS.get(category, _DEFAULT_SUGGESTION))
        found.add(m.start, m.end)
        yield Hit(m.start, m.end, f"「{word}」は{category}に関する差別的な表現です", suggestion)
    yield from _prejudice(text, found)


def _prejudice(text: Text, found: Taken) -> Iterator[Hit]:
    """Exclusion or generalisation by an attribute, outside anti-discrimination sentences."""
    norm = text.norm
    for a, b in sentences_with(norm, _PREJUDICE_ANCHOR):
        part = norm[a:b]
        for pattern in _PREJUDICE:
            for m in pattern.finditer(part):
                start, end = a + m.start(), a + m.end()
                if found.overlaps(start, end):
                    continue
                rest = norm[a:start] + "\x00" + norm[end:b]
                if has_marker(_AGAINST, rest):
                    continue
                # A priority notice outside the group's own name (日本国籍以外 is the group).
                group_end = a + m.end("group") if "group" in pattern.groupindex else start
                if _RESERVED.search(norm[a:start] + "\x00" + norm[group_end:b]):
                    continue
                if in_quote(norm, start, end) and post_has(text, "discrimination-campaign", _CAMPAIGN):
                    continue
                found.add(start, end)
                quoted = original(text, start, end)
                yield Hit(
                    start,
                    end,
                    f"「{quoted}」は属性を理由に人を排除・決めつける差別的な内容です",
                    _PREJUDICE_SUGGESTION,
                )
