"""私人の氏名（未実装: このモジュールはまだ何も検出しない）。"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit
from koshiki.checker.registry import rule
from koshiki.checker.text import Text


@rule("pii.person_name", title="私人の氏名", severity="warning", status="preview")
def check(text: Text, env: Env) -> Iterator[Hit]:
    return iter(())
