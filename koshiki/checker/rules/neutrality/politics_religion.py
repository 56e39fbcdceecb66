"""特定の候補者・政党への支持の呼びかけや、宗教の勧誘を検出する。

## 何を検出するか
- 選挙運動・政治活動: 名前の付いた候補者・政党・陣営への投票や支持の呼びかけ
  （「山田太郎候補に清き一票をお願いします」「みどり党に投票しましょう」「さくら党を
  応援しています」「佐藤候補への支援をお願いします」「田中候補を落選させよう」）。
- 宗教の勧誘: 「入信をおすすめします」「信仰しましょう」「神様を信じましょう」
  「布教にご協力ください」など、信仰や入信を勧める表現。

次のものは検出しません。

- 選挙管理委員会の選挙啓発（「投票日は7月20日です。期日前投票もご利用ください」
  「選挙に行こう！あなたの一票が未来をつくります」「政党名または候補者名を書いて
  投票してください」）、立候補予定者説明会の案内
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
)

# Who is campaigned for: a candidate, a party or a camp (the name comes before it).
_WHO = r"(?:候補者?|党|陣営|維新の会|新選組)(?:さん|様)?"
_EXHORT = (
    r"(?:しましょう|してください|して下さい|してね|しよう|して!|します|しています|お願いします"
    r"|をお願いします|をお願いいたします|をお願い|をよろしくお願いします|をよろしく|を!|を$|を。)"
)
_POLITICS = re.compile(
    # 山田候補に清き一票を / みどり党に投票しましょう / 佐藤候補への支援をお願いします
    rf"{_WHO}(?:に|へ)(?:の)?(?:ご)?(?:清き)?(?:一票|投票|支援|支持|応援){_EXHORT}"
    # さくら党を応援しています / 鈴木候補を支持します / 田中候補を落選させよう
    rf"|{_WHO}(?:を|の(?:政策|公約)を)(?:応援|支持|支援|推薦)(?:しましょう|してください|して下さい|します|しています|しよう|をお願い)"
    rf"|{_WHO}を落選させ(?:よう|ましょう|てください|て下さい)"
    rf"|{_WHO}(?:に|へ)は(?:絶対に?)?投票しない(?:で|よう)"
    # 山田さんに清き一票を
    rf"|(?:さん|氏|先生)(?:に|へ)清き一票{_EXHORT}?"
)
_RELIGION = re.compile(
    r"入信(?:しましょう|しませんか|してください|して下さい|を(?:おすすめ|お勧め|お待ち|ご検討)(?:します|しています|ください)?"
    r"|のご案内|のお誘い|希望の方)?"
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


def _sentence(norm: str, start: int, end: int) -> str:
    lo = max(0, start - 200)
    left = max((m.end() for m in _SENTENCE_END.finditer(norm, lo, start)), default=lo)
    right_m = _SENTENCE_END.search(norm, end, end + 200)
    return norm[left : right_m.start() if right_m else min(len(norm), end + 200)]


def _name_start(text: Text, pos: int) -> int | None:
    """Start of the name written right before 候補/党 at ``pos``, or ``None`` if none.

    The name is the run of noun-like morphemes (名詞, 接頭辞, 接尾辞) ending at ``pos``;
    a generic word (各候補, 政党, 投票したい候補者) is no name.
    """
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
    for m in _RELIGION.finditer(norm):
        if _WARNING.search(_sentence(norm, m.start(), m.end())):
            continue
        yield Hit(
            m.start(), m.end(),
            f"「{m.group()}」は宗教の勧誘にあたります（宗教的中立）",
            Suggestion("寺社・教会は行事や文化財の情報として紹介し、信仰を勧める表現は使わないでください"),
        )  # fmt: skip
