"""根拠のない情報・噂（未実装: このモジュールはまだ何も検出しない）。"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit
from koshiki.checker.registry import rule
from koshiki.checker.text import Text


@rule("harm.rumor", title="根拠のない情報・噂", severity="warning", status="preview")
def check(text: Text, env: Env) -> Iterator[Hit]:
    return iter(())
