"""How a rule uses the screen: one decorator line under its ``@rule``.

```python
@rule("harm.insult", title="侮辱・誹謗中傷", severity="error")
@screened("harm.insult")
def check(text: Text, env: Env) -> Iterator[Hit]: ...
```

The rule's own findings come first and unchanged. When the rule found nothing
in the post, the post screen (``models/posts.npz``) reports the post's most
probable sentence for the rule when that probability reaches the rule's
threshold. That threshold was chosen by grouped
cross-validation so that all labels together raise at most 0.5% false alarms
per clean sentence (``build``), so the screen is its own, confident finding:
the span is the whole sentence, the message says the finding comes from the
meaning of the sentence, and the severity is at most ``warning`` (the approver
confirms it with a reason; RULES.md "Severity effects"), because a learned
judgement can be wrong in ways a word list cannot.

The screen is skipped when it is switched off for the current context
(``koshiki.checker.semantic.disabled()``), when the profile binds the rule with
the option ``screen = false``, or when the model file is absent (a build from
source before ``python -m koshiki.checker.semantic.build``): the rule then
behaves exactly as without the screen.

Cost: one scoring per post shared by every screened rule (kept in
``Text.memo``): about 50 µs for a 165-character post, whatever the number of rules.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from koshiki.checker.findings import Hit, Severity, Suggestion
from koshiki.checker.semantic import enabled
from koshiki.checker.semantic.model import Model, ModelError, Scores, load_model
from koshiki.checker.text import Text

MODEL = "posts"
_MEMO = "semantic.posts"

# What the screen found, in the words of the finding, and what to do instead.
MESSAGES: dict[str, tuple[str, str]] = {
    "harm.insult": (
        "人を侮辱したり、おとしめたりする内容",
        "相手をおとしめる言葉や皮肉を使わず、事実と伝えたいことを丁寧な言葉で書いてください",
    ),
    "harm.discrimination": (
        "属性（国籍・性別・障害・出身など）による差別や偏見を含む内容",
        "属性で人をひとくくりにせず、誰もが対象になる書き方にしてください",
    ),
    "harm.obscene": ("性的・わいせつな内容", "性的なほのめかしや表現を削除してください"),
    "harm.illegal": (
        "違法行為を勧めたり、容認したりする内容",
        "違法な行為を勧める・容認する表現を削除し、必要なら法令を守るよう呼びかけてください",
    ),
    "harm.rumor": (
        "根拠の確かでない噂や未確認の情報",
        "公式に確認できた情報だけを、発表元とともに書いてください",
    ),
    "neutrality.politics_religion": (
        "特定の候補者・政党・宗教を支持したり勧めたりする内容",
        "特定の候補者・政党・宗教への支持や勧誘と受け取られる表現を削除してください",
    ),
    "neutrality.commercial": (
        "特定の事業者や商品だけを推す内容",
        "複数の事業者を同じ扱いで紹介するか、参加店舗一覧などへ案内してください",
    ),
    "confidential.deliberation": (
        "まだ決まっていない、または公表前の情報",
        "正式に決定・公表してから発信してください",
    ),
    "confidential.secret": (
        "秘密の情報や、職務上知り得た情報",
        "公表されていない情報や職務上知り得た情報を削除してください",
    ),
    "confidential.security": (
        "情報セキュリティを脅かすおそれのある情報（パスワード・接続先・解錠番号など）",
        "パスワード・接続先・暗証番号などを削除し、必要なら変更してください",
    ),
    "pii.location": (
        "個人の住まいや居場所が分かる内容",
        "個人の住まいや居場所が分からない書き方にしてください（「市内在住の方」など）",
    ),
    "pii.person_name": (
        "私人の氏名など個人が特定される内容",
        "本人の同意を確認するか、氏名を伏せた書き方にしてください",
    ),
}

CheckFunc = Callable[[Text, Any], Iterable[Hit]]
# The rules that use the screen (filled by ``screened``; read by the docs generator).
SCREENED: set[str] = set()

# The section the docs generator adds to the page of every screened rule.
DOC_SECTION = """## 文の意味による判定（セマンティック・スクリーン）
この規則は、語や言い回しの一覧による判定に加えて、チェッカーに同梱した学習済みモデル
（`koshiki/checker/semantic/models/posts.npz`）で投稿の一文ずつを判定します。
モデルは文字の並び（1〜3文字）とその文を含む投稿全体から、文がこの規則に当たる確率を
求めます。語や言い回しによる指摘が投稿に一つもなく、投稿の中で最も確率の高い一文が
この規則のしきい値以上のとき、その一文を指摘します。

- 指摘の範囲はその**文全体**で、メッセージは「この文は…のおそれがあります（文の意味による判定）」です。
- 重大度は**警告**です（規則の既定がエラーでも）。学習による判定は語の一覧より誤ることがあるため、
  提出は止めず、承認者が理由を添えて確認します。
- しきい値は、別の書き手が書いた投稿での交差検証で、この規則に当たらない投稿への誤った指摘が
  全規則あわせて問題のない文の数の0.5%以下になるように決めています（この規則に当たる投稿で、
  当たる文の隣の文を指したときは誤りに数えません。投稿は正しく指摘されており、範囲だけがずれるためです）。
- プロファイルでこの規則に `screen = false` を指定すると、モデルによる判定は行いません。
- モデルは `python -m koshiki.checker.semantic.build` でリポジトリ内のデータから作り直せます
  （`koshiki/checker/semantic/README.md`）。実行時にダウンロードするものはありません。
"""


def _model() -> Model | None:
    try:
        return load_model(MODEL)
    except ModelError:
        return None


def scores(text: Text) -> Scores | None:
    """The post screen's scores of ``text`` (computed once per text), or None without a model."""
    cached = text.memo.get(_MEMO)
    if cached is None:
        model = _model()
        try:
            cached = model.score_sentences(text.norm) if model is not None else False
        except Exception:  # the checker never raises on a text; the rules still run
            cached = False
        text.memo[_MEMO] = cached
    return cached or None


def screen_hits(text: Text, env: Any, rule_id: str, own: list[Hit]) -> Iterator[Hit]:
    """The screen's sentence finding for ``rule_id`` when ``own`` (the rule's hits) is empty."""
    if not enabled() or env.options.get("screen", True) is False:
        return
    found = scores(text)
    if found is None or rule_id not in found.labels:
        return
    if own:  # the rule found this post itself: its own findings say where and why
        return
    what, suggestion = MESSAGES.get(rule_id, ("この規則に反する内容", "表現を見直してください"))
    for a, b, _p in found.flagged(rule_id):
        yield Hit(
            a, b,
            f"この文は{what}のおそれがあります（文の意味による判定）",
            Suggestion(suggestion),
            Severity.WARNING,
        )  # fmt: skip


def screened(rule_id: str) -> Callable[[CheckFunc], CheckFunc]:
    """Add the screen's findings for ``rule_id`` after the decorated rule's own findings."""

    SCREENED.add(rule_id)

    def wrap(func: CheckFunc) -> CheckFunc:
        @functools.wraps(func)
        def check(text: Text, env: Any) -> Iterator[Hit]:
            own = list(func(text, env))
            yield from own
            yield from screen_hits(text, env, rule_id, own)

        return check

    return wrap
