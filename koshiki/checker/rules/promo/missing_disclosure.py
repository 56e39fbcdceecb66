"""PR表記（関係の明示）がない（未実装: このモジュールはまだ何も検出しない）。"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit
from koshiki.checker.registry import rule
from koshiki.checker.text import Text


@rule("promo.missing_disclosure", title="PR表記（関係の明示）がない", severity="error", status="preview", requires="paid_third_party")
def check(text: Text, env: Env) -> Iterator[Hit]:
    return iter(())
