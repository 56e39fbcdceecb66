"""Backups that restore: the drill of docs/deploy.md on the tests' own database kind.

Back up a city with a history (the demo city, 175 audit events), lose the
database, restore it, and check that ``verify_audit`` passes against the anchor
recorded before the backup and that every row is back as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.ops.helpers import destroy_database, manage, scratch_site

# Everything but sessions (they are not data the city keeps).
APPS = ["auth.user", "auth.group", "org", "audit", "registry", "posts", "campaigns", "api", "home"]


def _snapshot(env: dict[str, str]) -> list[dict]:
    out = manage(env, "dumpdata", *APPS, "--natural-foreign", "--indent", "0").stdout
    rows = json.loads(out)
    return sorted(rows, key=lambda r: (r["model"], str(r["pk"])))


@pytest.mark.django_db
def test_backup_destroy_restore_drill(tmp_path: Path):
    with scratch_site(tmp_path) as env:
        manage(env, "migrate", "--no-input")
        manage(env, "load_demo")
        anchors = tmp_path / "anchors.jsonl"
        manage(env, "audit_anchor", "--append", str(anchors))
        before = _snapshot(env)
        assert sum(1 for r in before if r["model"] == "audit.auditevent") > 100
        backup = tmp_path / "koshiki-20261207.backup"
        assert "バックアップしました" in manage(env, "backup_db", str(backup)).stdout

        destroy_database(env)
        assert manage(env, "verify_audit", check=False).returncode != 0  # nothing there any more

        refused = manage(env, "restore_db", str(backup), check=False)
        assert refused.returncode != 0 and "--yes" in refused.stderr
        assert "復元しました" in manage(env, "restore_db", str(backup), "--yes").stdout
        verified = manage(env, "verify_audit", "--anchors", str(anchors)).stdout
        assert "連鎖は正常です、アンカー 1 件とも一致" in verified
        assert _snapshot(env) == before
        # The restored site takes new work: the chain goes on from the restored head.
        manage(env, "migrate", "--no-input")
        manage(env, "audit_anchor", "--append", str(anchors))

        # The key lives outside the database: a restore on a machine with another key fails loudly.
        other = dict(env, KOSHIKI_AUDIT_KEY="別の鍵")
        done = manage(other, "verify_audit", check=False)
        assert done.returncode != 0 and "改ざんされています" in done.stderr


def test_backup_refuses_to_overwrite_and_restore_refuses_a_non_backup(tmp_path: Path):
    # Both refusals come before the database is touched: no migrate needed (it costs ~10 s).
    with scratch_site(tmp_path) as env:
        existing = tmp_path / "exists.backup"
        existing.write_text("x", encoding="utf-8")
        done = manage(env, "backup_db", str(existing), check=False)
        assert done.returncode != 0 and "既にあります" in done.stderr
        assert existing.read_text(encoding="utf-8") == "x"
        done = manage(env, "restore_db", str(tmp_path / "none.backup"), "--yes", check=False)
        assert done.returncode != 0 and "ありません" in done.stderr
        assert "Traceback" not in done.stderr
