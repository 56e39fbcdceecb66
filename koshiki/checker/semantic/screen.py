"""How a rule uses the screen: one decorator line under its ``@rule``.

```python
@rule("harm.insult", title="侮辱・誹謗中傷", severity="error")
@screened("harm.insult")
def check(text: Text, env: Env) -> Iterator[Hit]: ...
```

The rule's own findings come first and unchanged. Then, for each sentence of
the post that the rule did not already report (no own finding overlaps it), the
post screen (``models/posts.npz``) reports the sentence when its probability for
the rule reaches the rule's threshold. That threshold was chosen by grouped
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
        cached = model.score_sentences(text.norm) if model is not None else False
        text.memo[_MEMO] = cached
    return cached or None


def screen_hits(text: Text, env: Any, rule_id: str, own: list[Hit]) -> Iterator[Hit]:
    """The screen's sentence findings for ``rule_id`` where ``own`` (the rule's hits) has none."""
    if not enabled() or env.options.get("screen", True) is False:
        return
    found = scores(text)
    if found is None or rule_id not in found.labels:
        return
    what, suggestion = MESSAGES.get(rule_id, ("この規則に反する内容", "表現を見直してください"))
    for a, b, _p in found.flagged(rule_id):
        if any(h.start < b and a < h.end or h.start == h.end and a <= h.start <= b for h in own):
            continue
        yield Hit(
            a, b,
            f"この文は{what}のおそれがあります（文の意味による判定）",
            Suggestion(suggestion),
            Severity.WARNING,
        )  # fmt: skip


def screened(rule_id: str) -> Callable[[CheckFunc], CheckFunc]:
    """Add the screen's findings for ``rule_id`` after the decorated rule's own findings."""

    def wrap(func: CheckFunc) -> CheckFunc:
        @functools.wraps(func)
        def check(text: Text, env: Any) -> Iterator[Hit]:
            own = list(func(text, env))
            yield from own
            yield from screen_hits(text, env, rule_id, own)

        return check

    return wrap
