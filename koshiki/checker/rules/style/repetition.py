"""同じアカウントの最近の投稿と同じ（ほぼ同じ）内容の投稿を検出する。

## 何を検出するか
投稿案を、同じアカウントの最近の投稿（チェック時の文脈 ``recent_posts``、新しい順）
と比べ、同じかほぼ同じ内容なら投稿全体を指摘します。比べる前に、URL・ハッシュ
タグ・メンション・空白・句読点・記号・絵文字と、再投稿であることを示す見出し
（「【再掲】」「【再】」「（再掲）」「【再度のお知らせ】」「再送」「リマインド」など）と、再投稿で
あることを言うだけの文句（「再度お知らせします」「先日お知らせしたとおり」「まだ間に合います」
「お忘れなく」など）を除き、
全角と半角、大文字と小文字をそろえるので、再掲の印を付けただけ、URL の計測用パラメータや
絵文字を変えただけの投稿も同じ内容とみなします。

似ているかどうかは、2文字ずつの文字の組（バイグラム）の重なり（Dice係数）で
測ります。既定のしきい値は 0.9 で、プロファイルの規則オプション ``threshold``
（0より大きく1以下）で変えられます。``min_length``（既定15字、文字と数字だけで数える）より短い投稿
（あいさつや短いお礼の返信）は比べません。

次のものは繰り返しとみなしません。

- 日付・時刻・回数などの数字が違う投稿（毎週のごみ収集日のお知らせ、日付を
  変えたイベントのリマインド、「残り10枠」→「残り3枠」）。数字は値で比べるので、
  「10:00」と「10時」、「7/1」と「7月1日」のような書き方の違いは同じとみなします。
- 決まった見出しや署名の行（「【健康づくり課】」「#○○市」）が同じでも、
  それ以外の行の内容が違う投稿。

## なぜ問題か
同じ内容を何度も繰り返し投稿すると、スパム行為と見られ忌避されます（狛江市4(4)イ
「同じ内容を何度も繰り返し投稿することは、スパム行為と見られ忌避されるため行わない
こと」）。フォロワーが離れ、本当に大切なお知らせが届きにくくなります。

## 例
- NG: 3日前と同じ「市民プールは7月1日にオープンします。ぜひご利用ください！」を、
  「【再掲】」を付けてもう一度投稿する。
- OK: 「明日7月20日（日）は燃やすごみの日です」の翌週に「明日7月27日（日）は
  燃やすごみの日です」（日付の違うリマインド）
- OK: 見出し「【今日の給食】」と署名が同じで、献立が違う投稿（内容が違う）

## 代わりに
前の投稿をリポスト（再投稿機能）で示すか、新しい情報（残り枠、締切が近いこと、
変更点）を加えた別の文面にします。

## 参考
- 狛江市ソーシャルメディアの利用に関する指針 4(4)イ
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import Option, rule
from koshiki.checker.text import Text

DEFAULT_THRESHOLD = 0.9
DEFAULT_MIN_LENGTH = 15
# Only the first characters take part in the comparison: enough to tell two posts
# apart, and it keeps the cost bounded for 100 KB inputs.
_MAX_CHARS = 5000

# URLs, hashtags and mentions change between reposts without changing the content.
_NOISE = re.compile(r"(?:https?|ftp)://\S+|www\.\S+|[#＃][^\s#＃]+|@[A-Za-z0-9_]+")
_DIGITS = re.compile(r"\d+")
# Marks that say "this is a repost": they announce the repetition, they are not new content.
_REPOST_MARK = re.compile(
    r"[【\[(<〔]?\s*(?:再掲載?|再度のお知らせ|再びのお知らせ|改めてのお知らせ|再送|再投稿|再告知|再周知"
    r"|リマインド|reminder|remind|repost)\s*[】\])>〕]?"
    # Sentences that only announce the repetition: 「再度お知らせします。」「まだ間に合います！」
    r"|[【\[(<〔]再[】\])>〕]|(?:再度|改めて|再び|もう一度|重ねて|繰り返し)(?:の)?(?:お知らせ|ご案内)(?:します|いたします)?"
    r"|先日(?:も)?お知らせ(?:した|しました|いたしました)(?:とおり|通り|が)?|まだ間に合います|お忘れなく"
)
# Zero-valued numbers are notation (10:00 and 10時 are the same time): compare the others.
_ZERO = re.compile(r"0+")
_SUGGESTION = Suggestion("リポスト機能を使うか、新しい情報を加えた別の文面にしてください")


class _Post:
    """A post reduced to what repetition is judged on."""

    __slots__ = ("lines", "flat", "numbers", "grams")

    def __init__(self, text: str) -> None:
        folded = unicodedata.normalize("NFKC", text[:_MAX_CHARS]).lower()
        folded = _REPOST_MARK.sub(" ", _NOISE.sub(" ", folded))
        self.lines = tuple(line for line in (_letters(raw) for raw in folded.splitlines()) if line)
        self.flat = "".join(self.lines)
        # From the text with its separators (7/1 is 7 and 1, 10:00 is 10 and 00), not from flat.
        # Leading zeros stripped as strings (int() refuses very long digit runs).
        self.numbers = tuple(d.lstrip("0") for d in _DIGITS.findall(folded) if not _ZERO.fullmatch(d))
        self.grams = _bigrams(self.flat)


def _letters(line: str) -> str:
    """Letters and digits only: spaces, punctuation, symbols and emoji do not count."""
    return "".join(ch for ch in line if unicodedata.category(ch)[0] in "LN")


def _bigrams(s: str) -> frozenset[str]:
    if len(s) < 2:
        return frozenset((s,)) if s else frozenset()
    return frozenset(s[i : i + 2] for i in range(len(s) - 1))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))


@lru_cache(maxsize=2048)
def _reduce(text: str) -> _Post:
    """Cached: the same recent posts come back with every keystroke of a draft."""
    return _Post(text)


def _similarity(draft: _Post, other: _Post, threshold: float) -> float:
    """Dice similarity of two posts, or 0.0 when they carry different content."""
    la, lb = len(draft.flat), len(other.flat)
    # Cheap bounds first: very different lengths can never reach the threshold.
    if not la or not lb or 2 * min(la, lb) / (la + lb) < threshold:
        return 0.0
    # Different dates, times or counts are new information (a scheduled reminder).
    if draft.numbers != other.numbers:
        return 0.0
    if draft.flat == other.flat:
        return 1.0
    score = _dice(draft.grams, other.grams)
    if score < threshold:
        return 0.0
    # Shared header and footer lines are not repetition when the rest differs.
    shared = set(draft.lines) & set(other.lines)
    if shared:
        rest_a = "".join(line for line in draft.lines if line not in shared)
        rest_b = "".join(line for line in other.lines if line not in shared)
        if rest_a and rest_b and _dice(_bigrams(rest_a), _bigrams(rest_b)) < threshold:
            return 0.0
    return score


@rule(
    "style.repetition",
    title="同じ内容の繰り返し投稿",
    severity="warning",
    options=(
        Option(
            "threshold",
            "number",
            DEFAULT_THRESHOLD,
            "最近の投稿との類似度（2文字ずつの組の重なり、Dice係数）がこの値以上なら指摘する",
            minimum=0.01,
            maximum=1,
        ),
        Option(
            "min_length",
            "integer",
            DEFAULT_MIN_LENGTH,
            "これより短い投稿（文字と数字だけで数えた字数）は比べない",
            minimum=0,
            maximum=10_000,
        ),
    ),
)
def check(text: Text, env: Env) -> Iterator[Hit]:
    recent = env.context.recent_posts
    if not recent or not text.norm.strip():
        return
    # Declared above and checked when the profile loads: no fallback here.
    threshold = float(env.options["threshold"])
    min_length = int(env.options["min_length"])
    draft = _Post(text.norm)
    if len(draft.flat) < min_length:
        return
    best_index, best_score = -1, 0.0
    for index, other_text in enumerate(recent):
        score = _similarity(draft, _reduce(other_text), threshold)
        if score > best_score:
            best_index, best_score = index, score
            if score == 1.0:
                break
    if best_index < 0:
        return
    head = " ".join(recent[best_index].split())
    head = head[:20] + ("…" if len(head) > 20 else "")
    same = "同じ" if best_score == 1.0 else f"ほぼ同じ（類似度{best_score:.2f}）"
    message = f"{best_index + 1}件前の投稿「{head}」と{same}内容です。繰り返し投稿はスパムと見られます"
    yield Hit(0, len(text.norm), message, _SUGGESTION)
