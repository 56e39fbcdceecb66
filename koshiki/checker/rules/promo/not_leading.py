"""PR表記が先頭にない（未実装: このモジュールはまだ何も検出しない）。"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit
from koshiki.checker.registry import rule
from koshiki.checker.text import Text


@rule("promo.not_leading", title="PR表記が先頭にない", severity="error", status="preview", requires="paid_third_party")
def check(text: Text, env: Env) -> Iterator[Hit]:
    return iter(())
