"""The installation directory (KOSHIKI_PROFILE_DIR) reaches the web application's procedures too.

みなと市's office and its report deadline live in the procedures, not in the
params the settings page edits: an installation's ``procedures/kyoto.toml``
changes them for the lifecycle and the posts, keeping the rest of Kyoto's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from koshiki.checker.profiles import PROFILE_DIR_ENV, ProfileError, clear_cache
from koshiki.posts.procedures import load_post_procedures
from koshiki.registry.lifecycle import load_procedures


@pytest.fixture
def installation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "procedures").mkdir()
    (tmp_path / "kyoto.toml").write_text('id = "kyoto"\nextends = "kyoto"\n', encoding="utf-8")
    monkeypatch.setenv(PROFILE_DIR_ENV, str(tmp_path))
    clear_cache()
    yield tmp_path
    clear_cache()


def test_an_installation_renames_the_office_and_changes_a_period(installation):
    (installation / "procedures" / "kyoto.toml").write_text(
        '[office]\nname = "みなと市総務局デジタル推進課"\n[posts.report]\ndeadline_days = 5\n',
        encoding="utf-8",
    )
    procedures = load_procedures("kyoto")
    assert procedures.office.name == "みなと市総務局デジタル推進課"
    assert procedures.office.short_name == "情報化推進室"  # the rest of Kyoto's table stays
    assert load_procedures("kyoto").list_name("みなと市") == "みなと市ソーシャルメディア一覧"
    posts = load_post_procedures("kyoto")
    assert posts.report_deadline_days == 5
    assert list(posts.approval_chain) == ["section_head"]  # not overridden: Kyoto's 4(1)イ(ウ)a


def test_a_bad_period_in_the_installation_names_its_file(installation):
    path = installation / "procedures" / "kyoto.toml"
    path.write_text("[posts.report]\ndeadline_days = 365\n", encoding="utf-8")
    with pytest.raises(ProfileError) as excinfo:
        load_post_procedures("kyoto")
    message = str(excinfo.value)
    assert str(path) in message and "posts.report.deadline_days" in message and "1から60まで" in message


def test_manage_py_check_names_a_broken_installation_file(installation):
    (installation / "minato.toml").write_text(
        'id = "minato"\nextends = "kyoto"\n[params]\npublic_phones = "0123-45-6789"\n', encoding="utf-8"
    )
    with pytest.raises(SystemCheckError) as excinfo:
        call_command("check")
    message = str(excinfo.value)
    assert "minato.toml" in message and "params.public_phones" in message and "文字列の配列" in message
