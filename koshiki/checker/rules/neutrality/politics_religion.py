"""特定の候補者・政党への支持の呼びかけや、宗教の勧誘を検出する。

## 何を検出するか
- 選挙運動・政治活動: 名前の付いた候補者・政党・陣営への投票や支持の呼びかけ
  （「山田太郎候補に清き一票をお願いします」「みどり党に投票しましょう」「さくら党を
  応援しています」「佐藤候補への支援をお願いします」「田中候補を落選させよう」
  「「みらいの会」の候補者をぜひ応援してください」）。
  名前がなくても、再選・当選を応援する呼びかけ（「現職の再選を応援しましょう」）、
  政治家の後援会への参加・入会の呼びかけ、政党・候補者の演説会や集会への動員
  （「○○党の街頭演説会が開かれます。応援に行きましょう」）、憲法改正・原発再稼働・
  政権などの政治的な争点に賛成・反対する署名・デモ・集会への協力の呼びかけも対象です。
- 宗教の勧誘: 「入信をおすすめします」「信仰しましょう」「神様を信じましょう」
  「布教にご協力ください」「入信のご相談を受け付けています」「洗礼を受ける方を募集中」
  「檀家になりませんか」「神様の愛を一緒に学びませんか」「私たちの教えに触れてみませんか」
  など、信仰や入信・入檀を勧める表現。

次のものは検出しません。

- 選挙管理委員会の選挙啓発（「投票日は7月20日です。期日前投票もご利用ください」
  「選挙に行こう！あなたの一票が未来をつくります」「政党名または候補者名を書いて
  投票してください」）、立候補予定者説明会の案内、当選証書付与式や後援会活動の
  規制についての説明
- 市が進める要望活動の署名（「〇〇の早期整備を求める署名にご協力ください」）
- 神社・寺院の祭礼や初詣の交通規制などの行事・観光情報（祇園祭、初詣）
- 教科としての政治（公民の授業）、主権者教育、模擬投票
- 宗教の勧誘トラブルへの注意喚起（「しつこく入信を迫られたら消費生活センターへ」）
- スポーツ選手やチームの応援（「市内の選手を応援しましょう」）

## なぜ問題か
市の公式アカウントは全ての市民のためのもので、政治的・宗教的に中立でなければ
なりません。特定の候補者や政党を支持する発信は公務員の政治的行為の制限や公職選挙法
に触れるおそれがあり、宗教の勧誘は政教分離に反します。市が公表する運用ポリシーでも、
政治・宗教活動を目的とする書き込みは削除の対象です（京都市・石巻市の運用ポリシー
注意事項(3)「政治、宗教活動を目的とするもの」）。

## 例
- NG: 「市議会議員選挙、山田太郎候補に清き一票をお願いします！」
- NG: 「心の平安のために、入信をおすすめします。」
- OK: 「投票日は7月20日です。期日前投票もご利用ください。」（選挙管理委員会の啓発）
- OK: 「初詣の交通規制のお知らせ：八幡神社周辺は1月1日から3日まで車両通行止め」

## 代わりに
選挙については、日程・投票所・投票方法など全ての候補者に共通の情報だけを伝えます。
寺社や教会については、祭礼・文化財・観光などの行事情報として紹介し、信仰を勧める
表現は使いません。

## 参考
- 京都市ソーシャルメディア運用ポリシー（様式1）注意事項(3)
- 石巻市ソーシャルメディア運用ポリシー（様式1）注意事項(3)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.text import Text

# Cheap gate: every pattern contains one of these.
_GATE = (
    "候補",
    "党",
    "陣営",
    "一票",
    "投票",
    "入信",
    "信仰",
    "信じ",
    "布教",
    "伝道",
    "改宗",
    "落選",
    "維新の会",
    "新選組",
    "再選",
    "当選",
    "後援会",
    "署名",
    "デモ",
    "集会",
    "入檀",
    "洗礼",
    "受洗",
    "檀家",
    "信者",
    "信徒",
    "門徒",
    "教会員",
    "氏子",
    "教え",
    "の愛",
    "御心",
    "みこころ",
    "言葉",
    "みことば",
    "恵み",
    "救い",
)

# Who is campaigned for: a candidate, a party or a camp (the name comes before it).
_WHO = r"(?:候補者?|党|陣営|維新の会|新選組)(?:さん|様)?"
# ぜひ / 皆さんで between the object and the verb (候補者をぜひ応援してください).
_ADVERB = r"(?:ぜひとも|ぜひ|是非|みんなで|皆さんで|皆で|一緒に|全力で)?"
_EXHORT = (
    r"(?:しましょう|してください|して下さい|してね|しよう|して!|します|しています|お願いします"
    r"|をお願いします|をお願いいたします|をお願い|をよろしくお願いします|をよろしく|を!|を$|を。)"
)
_POLITICS = re.compile(
    # 山田候補に清き一票を / みどり党に投票しましょう / 佐藤候補への支援をお願いします
    rf"{_WHO}(?:に|へ)(?:の)?{_ADVERB}(?:ご)?(?:清き)?(?:一票|投票|支援|支持|応援){_EXHORT}"
    # さくら党を応援しています / 鈴木候補を支持します / 田中候補を落選させよう
    rf"|{_WHO}(?:を|の(?:政策|公約)を){_ADVERB}(?:応援|支持|支援|推薦)(?:しましょう|してください|して下さい|します|しています|しよう|をお願い)"
    rf"|{_WHO}を落選させ(?:よう|ましょう|てください|て下さい)"
    rf"|{_WHO}(?:に|へ)は(?:絶対に?)?投票しない(?:で|よう)"
    # 山田さんに清き一票を
    rf"|(?:さん|氏|先生)(?:に|へ)清き一票{_EXHORT}?"
    # みらい党の街頭演説会が開かれます。皆さんで応援に行きましょう
    rf"|{_WHO}の(?:街頭|個人)?(?:演説会?|集会|決起大会|決起集会|総決起大会|報告会|講演会)[^!?\n]{{0,50}}?"
    r"(?:応援に行き(?:ましょう|ませんか)|聞きに行き(?:ましょう|ませんか)|駆けつけましょう|ご参加ください"
    r"|参加しましょう|お越しください|足をお運びください)"
)
# Campaigning with no name before 候補/党: the exhortation itself is partisan.
_ISSUES = (
    r"(?:憲法改正|改憲|護憲|憲法9条|9条改正|原発再稼働|原発の再稼働|再稼働|安保法制?|安全保障関連法"
    r"|集団的自衛権|基地移設|基地建設|消費税増税|増税|政権|内閣|与党|野党)"
)
_CAMPAIGN = re.compile(
    # 現職の再選を応援しましょう (a prize draw's 当選をお祈りします is no campaigning)
    rf"(?:再選|当選|必勝|勝利)を{_ADVERB}(?:応援|支援|支持)"
    r"(?:しましょう|してください|して下さい|しよう|します|しています|をお願い)"
    # 市長の後援会…にぜひご参加ください / 後援会への入会も受け付けています
    r"|(?:市長|町長|村長|知事|議員|代議士|候補者?|先生|氏)の?後援会[^。!?\n]{0,40}?"
    r"(?:ご?参加|ご?入会|ご?加入|会員)(?:を|も)?(?:ください|しましょう|しませんか|受け付け|受付|募集|お待ち)"
    # 憲法改正に反対する署名にご協力を (a city's own 早期整備を求める署名 names no issue here)
    rf"|{_ISSUES}[^。!?\n]{{0,10}}?(?:に)?(?:反対|賛成|阻止|撤回|推進|打倒)(?:する|の|を求める|を訴える)?(?:署名|デモ|集会|運動)"
    r"[^。!?\n]{0,6}?(?:協力|参加)(?:を)?(?:お願い|ください|して下さい|しましょう|しよう)"
)
_RELIGION = re.compile(
    r"入信(?:しましょう|しませんか|してください|して下さい|を(?:おすすめ|お勧め|お待ち|ご検討)(?:します|しています|ください)?"
    r"|のご案内|のお誘い|希望の方|のご相談|のお申し?込み|(?:を|の)?受付|を受け付け)?"
    # 洗礼を受ける方も募集中です / 入檀のご相談は随時受け付けています
    r"|(?:入檀|洗礼|受洗)(?:を受ける方|を受けたい方|を希望する方|希望の方|の)?(?:も|は)?(?:を)?(?:随時|いつでも)?"
    r"(?:募集|受け付け|受付|ご相談|お待ち|を?受けませんか|しませんか)"
    # 当寺の檀家になって、…供養しませんか
    r"|(?:檀家|信者|信徒|門徒|教会員|氏子)に(?:なりませんか|なりましょう|なろう|なって[^。!?\n]{0,30}?(?:ませんか|ましょう))"
    # 一緒に神様の愛を学びませんか / 私たちの教えに触れてみませんか
    r"|(?:(?<![\u4e00-\u9fff])(?:神様?|仏様?|御仏|み仏|主|イエス様?|イエス・キリスト|キリスト|お釈迦様)"
    r"の(?:愛|教え|御心|みこころ|言葉|みことば|恵み|救い)"
    r"|(?:私たち|当寺|当山|当教会|当教団|本教団|わが教団)の(?:教え|救い))"
    r"(?:を|に)(?:一緒に|共に|ともに)?(?:学び|聞き|触れ|知り|感じ)(?:てみ)?(?:ませんか|ましょう|てください|に来ませんか)"
    r"|信仰(?:しましょう|しませんか|してください|して下さい|を(?:持ちましょう|持とう|始めましょう))"
    r"|(?:神|神様|仏|仏様|教え|教祖|ご本尊|御本尊|主)(?:を|に)(?:信じ|信仰し|帰依し|すがり)"
    r"(?:ましょう|ませんか|てください|て下さい|なさい|よう|れば)"
    r"|信じる者は救われ"
    r"|(?:布教|伝道)(?:活動)?(?:に|へ)(?:ご)?(?:協力|参加)(?:ください|しましょう|しませんか|を)"
    r"|改宗(?:しましょう|しませんか|してください|をおすすめ)"
)
# A warning against proselytising is not proselytising (消費生活センターの注意喚起).
_WARNING = re.compile(r"注意|トラブル|被害|相談|勧誘|強要|迫ら|断り|断って|気をつけ|気を付け|悪質|消費生活")
# Words that are not a name: 各候補, 政党, 立候補, 投票したい候補者.
_NOT_NAME = {"各", "全", "同", "他", "当該", "政", "立", "野", "与", "主要", "複数", "新", "希望", "特定"}
_SENTENCE_END = re.compile(r"[。！？!?\n]")


def _sentence_without(norm: str, start: int, end: int) -> str:
    """The sentence around ``[start, end)`` with the match itself left out.

    「入信のご相談も受け付けています」 is an invitation: its own 相談 is no warning.
    """
    lo = max(0, start - 200)
    left = max((m.end() for m in _SENTENCE_END.finditer(norm, lo, start)), default=lo)
    right_m = _SENTENCE_END.search(norm, end, end + 200)
    right = right_m.start() if right_m else min(len(norm), end + 200)
    return norm[left:start] + "／" + norm[end:right]


def _name_start(text: Text, pos: int) -> int | None:
    """Start of the name written right before 候補/党 at ``pos``, or ``None`` if none.

    The name is the run of noun-like morphemes (名詞, 接頭辞, 接尾辞) ending at ``pos``;
    a generic word (各候補, 政党, 投票したい候補者) is no name.
    """
    # 「みらい京都の会」の候補者 / 「さくら」候補: a quoted name is a name.
    for gap in ("」の", "」"):
        if text.norm.endswith(gap, 0, pos):
            opening = text.norm.rfind("「", max(0, pos - 40), pos - len(gap))
            if opening >= 0 and "」" not in text.norm[opening : pos - len(gap)]:
                return opening
    tokens = text.tokens
    start = None
    cur = pos
    for _ in range(6):
        token = None
        for s in range(cur - 1, max(-1, cur - 9), -1):
            index = tokens.index_at(s)
            if index is not None:
                token = tokens.items[index]
                break
        if token is None or token.end != cur or token.pos[0] not in ("名詞", "接頭辞", "接尾辞"):
            break
        start = cur = token.start
    if start is None or text.norm[start:pos] in _NOT_NAME:
        return None
    return start


@rule("neutrality.politics_religion", title="政治・宗教的中立", severity="error")
def check(text: Text, env: Env) -> Iterator[Hit]:
    norm = text.norm
    if not any(word in norm for word in _GATE):
        return
    for m in _POLITICS.finditer(norm):
        start = _name_start(text, m.start())
        if start is None:
            continue
        end = m.end()
        while end > start and norm[end - 1] in "!。":
            end -= 1
        yield Hit(
            start, end,
            f"「{norm[start:end]}」は特定の候補者・政党への支持の呼びかけです（政治的中立）",
            Suggestion("選挙については全ての候補者に共通の情報（日程・投票方法）だけを伝えてください"),
        )  # fmt: skip
    for m in _CAMPAIGN.finditer(norm):
        end = m.end()
        yield Hit(
            m.start(), end,
            f"「{norm[m.start():end]}」は選挙運動・政治活動の呼びかけです（政治的中立）",
            Suggestion("選挙や政治的な争点については、全ての立場に共通の事実だけを伝えてください"),
        )  # fmt: skip
    for m in _RELIGION.finditer(norm):
        if _WARNING.search(_sentence_without(norm, m.start(), m.end())):
            continue
        yield Hit(
            m.start(), m.end(),
            f"「{m.group()}」は宗教の勧誘にあたります（宗教的中立）",
            Suggestion("寺社・教会は行事や文化財の情報として紹介し、信仰を勧める表現は使わないでください"),
        )  # fmt: skip
