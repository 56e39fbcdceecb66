"""秘密情報（部外秘・機密・内部資料・ここだけの話…）と職務上知り得た個人の情報を検出する。

## 何を検出するか
- 秘密であることを示す表示や言い回し: 「部外秘」「社外秘」「関係者外秘」「取扱注意」
  「㊙」「極秘」「機密（情報・資料・扱い…）」「秘密ですが」「秘密の情報」「内部資料」
  「内部文書」「庁内限り」「ここだけの話」「オフレコ」。
- 職務で知った、特定できる個人の話: 窓口・相談・申請などに来た人を名前で書くもの
  （「今日窓口に来た田中さんが…」「相談に来られた佐藤様は…」）。精度を優先して、
  名前（姓・名）に敬称が付いたものだけを対象にします。「窓口に来られた方へ」のような
  案内、「高校生のAさん」のような匿名化した呼び方、ひな形の「○○様」は対象外です
  （ひな形の記号は style.masking が指摘します）。
- 職務で知ったと自ら前置きした話: 「業務で知った話ですが、…」「職務上知り得たことですが、…」
  「仕事で聞いた話なんですけど、…」。前置きからその文の終わりまでを検出します
  （名前がなくても「市内の〇〇の団長さん」のように人や事柄が特定できるため）。

次のものは検出しません（秘密そのものではなく、それについての公のお知らせ）。

- 漏えい・紛失・誤送付のお詫びや再発防止策のお知らせ（「機密情報の漏えい事案について」
  「内部資料の誤掲載についてのお詫び」）
- 機密文書の溶解処理・回収、秘密保持契約（入札公告）、情報セキュリティ研修の報告
- 「職務上知り得た秘密を漏らしてはならない」のような守秘義務の説明
- 「秘密基地」「おいしさの秘密」「市役所の秘密を探せ！」「極秘ミッション」
  「マル秘テクニック」のような催しや記事の題、
  「暗証番号は秘密にしてください」のような注意、「秘書課」「便秘」など別の語

## なぜ問題か
公務員には守秘義務があり、市や市と利害関係のある者・団体の秘密、職務上知り得た
秘密、業務上知り得た個人情報や機密情報は発信できません（京都市5(2)ア、狛江市4(4)ア
「業務上知り得た個人情報や機密情報…を発信しないこと」、安芸高田市2(6)キ「職務上知り
得た秘密」、石巻市4(1)「発信する情報は公開されている情報とする」）。一度公開された
情報は完全には削除できません。

## 例
- NG: 「部外秘の資料ですが、来年度の防災訓練の想定をちょっとだけ紹介します。」
- NG: 「今日窓口に来た田中さん、住民票を3回も取り直していきました…」
- OK: 「機密文書の溶解処理を受け付けます。」（市民向けサービスの案内）
- OK: 「夏休みこどもイベント『森の秘密基地をつくろう！』参加者募集中」（催しの名前）

## 代わりに
公開されている情報だけを発信します。窓口や相談の様子を伝えるときは、個人が特定
できないよう一般化し、必要ならご本人の同意を得ます。

## 参考
- 京都市ソーシャルメディア利用ガイドライン 5(2)ア
- 狛江市ソーシャルメディアの利用に関する指針 4(4)ア
- 安芸高田市ソーシャルメディア利用ガイドライン 2(6)キ
- 石巻市ソーシャルメディア利用ガイドライン 4(1)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.semantic.screen import screened
from koshiki.checker.text import Text, sentence_bounds

# Cheap gates: every match of the pattern below holds one of its words
# (秘 covers ㊙, which NFKC folds to 秘).
_LABEL_GATE = ("秘", "機密", "取扱", "取り扱", "内部", "限り", "ここだけ", "オフレコ")
_ENCOUNTER_GATE = re.compile(r"[にで](?:来|いらっしゃ|見え|お見え|おいで)")
_ON_DUTY_GATE = ("知っ", "知り得", "聞い", "耳にし", "見聞き")

# Labels that mark a document or a remark as secret.
_LABEL = re.compile(
    r"(?P<label>部外秘|社外秘|庁外秘|局外秘|課外秘|対外秘|関係者外秘|(?:マル秘|極秘)(?=情報|資料|文書|事項|扱い|です|だ|の|に|[\s!】\]\)]|$)"
    r"|取(?:り)?扱(?:い)?注意|内部(?:資料|文書)|(?:庁内|課内|部内|局内|内部)限り"
    r"|機密(?=情報|資料|文書|書類|事項|扱い|データ|です|だ|の(?:情報|資料|文書|話|データ|事項|案件)|[!】\]\)])"
    r"|秘密(?=情報|資料|文書|事項|扱い|データ|です(?:が|けど)|だけど|だが|なんです|の(?:情報|資料|文書|話|データ|事項|案件)))"
    r"|(?P<talk>ここだけの話|ここだけのはなし|オフレコ)"
)
# A public notice about secrets: a leak, an apology, disposal, a contract clause, training.
_NOTICE = re.compile(
    r"漏えい|漏洩|漏ら|漏れ(?!なく)|流出|紛失|盗難|誤送付|誤送信|誤掲載|誤配布|誤交付|不適切な取扱|お詫び|おわび"
    r"|再発防止|溶解|廃棄|回収|処分|裁断|細断|シュレッダー|リサイクル|研修|講習|セミナー|保持|守秘"
    r"|セキュリティ|契約|誓約|義務|取扱い|取り扱い|取扱方法|管理|保護|守りましょう|注意しましょう"
    r"|気をつけ|気を付け|事案|事故"
)
# Someone the author met on duty (窓口に来た, 相談に来られた, 申請にいらっしゃった).
_ENCOUNTER = re.compile(
    r"(?:窓口|カウンター|受付|相談|申請|手続き?|届出|問い合わせ|苦情|クレーム|来庁)"
    r"(?:に|で)(?:来|来られ|来庁され|いらっしゃっ|見え|お見えになっ|おいでになっ)"
    r"(?:た|ていた|られた|ました|て(?!ください|下さい))"
)
# The author's own lead-in: what follows was learned on duty (業務で知った話ですが、…).
_ON_DUTY = re.compile(
    r"(?:業務|職務|仕事|公務|窓口業務)(?:上|で|中に?|の中で)"
    r"(?:知っ|知り得|聞い|耳にし|見聞きし)た(?:話|こと|情報|内容|件)"
    r"(?:です|なんです|なのです|だ|なん?だ)?(?:が|けど|けれど)"
)
# ...but the sentence refuses to tell (守秘義務があるためお答えできません).
_REFUSAL = re.compile(r"守秘|義務|お答えでき|お話しでき|申し上げられ|お伝えでき|控えさせ|差し控え")
_HONORIFIC = re.compile(r"(?:さん|様|さま|氏|くん|君|ちゃん)")
_HONORIFIC_SUBJECT = re.compile(r"(?:さん|様|さま|氏)(?:が|は)$")
# ㊙ as a stamp (㊙ 資料, 【㊙】), not as a playful prefix (㊙テクニック).
_SEAL_NEXT = re.compile(r"情報|資料|文書|事項|扱い|です|だ|の|に|[\s!】\]\)]|$")
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_SUGGESTION = Suggestion("公開されている情報だけを発信してください")


def _sentence_without(norm: str, start: int, end: int) -> str:
    """The sentence around ``[start, end)`` with the span itself removed."""
    left, right = sentence_bounds(norm, start, end)
    return norm[left:start] + "／" + norm[end:right]


def _is_seal(text: Text, pos: int) -> bool:
    """``秘`` that the author typed as the seal ㊙ (NFKC folds ㊙ to 秘)."""
    return text.quote(pos, pos + 1).startswith("㊙")


def _name_start(text: Text, hon_start: int) -> int | None:
    """Start of the personal name right before an honorific (SudachiPy 人名), or ``None``.

    「窓口に来たお客さん」「来られた方」 have no name; anonymised letters (Aさん) and
    masks (○○様, a template) identify nobody, so they give ``None`` too.
    """
    tokens = text.line_of(hon_start)
    start = None
    pos = hon_start
    while (token := tokens.ending_at(pos)) is not None and token.is_person_name:
        if token.surface.isascii():
            return None
        start = pos = token.start
    return start


def _named_person_after(text: Text, pos: int, limit: int = 16) -> int | None:
    """End of 「田中さん」「○○様」 beginning within ``limit`` characters after ``pos``."""
    norm = text.norm
    for m in _HONORIFIC.finditer(norm, pos, min(len(norm), pos + limit)):
        if _SENTENCE_END.search(norm, pos, m.start()):
            return None
        if _name_start(text, m.start()) is not None:
            return m.end()
    return None


def _named_person_before(text: Text, pos: int) -> int | None:
    """Start of 「田中さんが」 right before ``pos`` (田中さんが窓口に来て…)."""
    m = _HONORIFIC_SUBJECT.search(text.norm, max(0, pos - 4), pos)
    if not m:
        return None
    return _name_start(text, m.start())


def _label_hits(text: Text) -> Iterator[Hit]:
    norm = text.norm
    for m in _LABEL.finditer(norm):
        a, b = m.span()
        if m.group("label") and _NOTICE.search(_sentence_without(norm, a, b)):
            continue
        yield Hit(a, b, f"「{text.quote(a, b)}」の情報は発信できません（秘密・内部情報）", _SUGGESTION)
    # ㊙ folds to a bare 秘, which is also part of 秘書・神秘・便秘: check what was typed.
    pos = norm.find("秘")
    while pos >= 0:
        if (
            _is_seal(text, pos)
            and _SEAL_NEXT.match(norm, pos + 1)
            and not _NOTICE.search(_sentence_without(norm, pos, pos + 1))
        ):
            yield Hit(pos, pos + 1, "「㊙」の付いた情報は発信できません（秘密・内部情報）", _SUGGESTION)
        pos = norm.find("秘", pos + 1)


def _on_duty_hits(text: Text) -> Iterator[Hit]:
    norm = text.norm
    for m in _ON_DUTY.finditer(norm):
        end = sentence_bounds(norm, m.start(), m.end())[1]
        # Trailing emoji, spaces and brackets are not part of what is told.
        while end > m.end() and (
            unicodedata.category(norm[end - 1])[0] in "SZPC" or norm[end - 1] == "\ufe0f"
        ):
            end -= 1
        if _REFUSAL.search(_sentence_without(norm, m.start(), m.end())):
            continue  # 職務上知り得たことですが、守秘義務があり…: a refusal, not a leak
        yield Hit(
            m.start(), end,
            f"「{text.quote(m.start(), m.end())}」: 職務上知り得た情報は発信できません",
            Suggestion("職務で知った個人や内部の話は発信せず、公開されている情報だけを伝えてください"),
        )  # fmt: skip


def _person_hits(text: Text) -> Iterator[Hit]:
    norm = text.norm
    for m in _ENCOUNTER.finditer(norm):
        end = _named_person_after(text, m.end())
        if end is not None:
            yield Hit(
                m.start(), end,
                f"「{text.quote(m.start(), end)}」: 職務上知り得た個人の情報は発信できません",
                Suggestion("個人が特定できないよう一般化するか、発信をやめてください"),
            )  # fmt: skip
            continue
        start = _named_person_before(text, m.start())
        if start is not None:
            yield Hit(
                start, m.end(),
                f"「{text.quote(start, m.end())}」: 職務上知り得た個人の情報は発信できません",
                Suggestion("個人が特定できないよう一般化するか、発信をやめてください"),
            )  # fmt: skip


@rule("confidential.secret", title="秘密情報", severity="error")
@screened("confidential.secret")
def check(text: Text, env: Env) -> Iterator[Hit]:
    norm = text.norm
    if any(word in norm for word in _LABEL_GATE):
        yield from _label_hits(text)
    if _ENCOUNTER_GATE.search(norm):
        yield from _person_hits(text)
    if any(word in norm for word in _ON_DUTY_GATE):
        yield from _on_duty_hits(text)
