"""An installation's own profiles layered over the built-in ones (issue 9 item 5).

みなと市 runs Koshiki on the kyoto profile. Its installation directory
(``KOSHIKI_PROFILE_DIR`` or ``--profile-dir``) holds ``minato.toml`` with
``extends = "kyoto"`` and its own numbers and domains; or ``kyoto.toml`` with
``extends = "kyoto"`` to change Kyoto's values in place. A broken override is
refused with a Japanese message naming the file, the key and the problem
(exit code 2 and one line from the CLI).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from koshiki.checker import cli
from koshiki.checker.engine import check
from koshiki.checker.profiles import PROFILE_DIR, PROFILE_DIR_ENV, ProfileError, clear_cache, load_profile

POST = "粗大ごみの収集日が変わりました。お問い合わせは、みなと市コールセンター（0123-45-6789）まで。"
MINATO = """\
# みなと市の設定（京都市ガイドラインを準用）
id = "minato"
name = "みなと市ソーシャルメディアガイドライン（京都市準用）"
municipality = "みなと市"
extends = "kyoto"

[params]
public_phones = ["0123-45-6789"]
official_domains = ["city.minato.lg.jp", "lg.jp", "go.jp"]
marketing_subject = "みなと市"
"""


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):  # noqa: ANN001, ANN202
    monkeypatch.delenv(PROFILE_DIR_ENV, raising=False)
    clear_cache()
    yield
    clear_cache()


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def phone_findings(profile) -> list:  # noqa: ANN001
    return [f for f in check(POST, profile) if f.rule == "pii.phone"]


def test_an_installation_override_changes_a_finding(tmp_path, monkeypatch):
    assert phone_findings(load_profile("kyoto"))  # 京都市's profile does not know みなと市's number
    write(tmp_path, "minato.toml", MINATO)
    monkeypatch.setenv(PROFILE_DIR_ENV, str(tmp_path))
    minato = load_profile("minato")
    assert minato.municipality == "みなと市" and minato.extends == "kyoto"
    assert phone_findings(minato) == []
    # Everything else is Kyoto's: its rules, clauses and its other params.
    assert minato.bindings["pii.phone"].clause.ref == load_profile("kyoto").bindings["pii.phone"].clause.ref
    assert minato.param("relation_tags_exhaustive") is True


def test_an_override_of_the_same_id_layers_over_the_built_in(tmp_path, monkeypatch):
    write(
        tmp_path,
        "kyoto.toml",
        'id = "kyoto"\nextends = "kyoto"\n[params]\npublic_phones = ["0123-45-6789"]\n',
    )
    monkeypatch.setenv(PROFILE_DIR_ENV, str(tmp_path))
    kyoto = load_profile("kyoto")
    assert kyoto.name == "京都市ソーシャルメディアガイドライン"  # inherited, not required again
    assert kyoto.path == tmp_path / "kyoto.toml"
    assert phone_findings(kyoto) == []
    assert load_profile("kyoto", PROFILE_DIR).param("public_phones") == ["075-222-3111"]


def test_an_installation_procedures_file_changes_one_value_and_keeps_the_rest(tmp_path, monkeypatch):
    write(tmp_path, "minato.toml", MINATO)
    write(tmp_path, "procedures/minato.toml", '[office]\nname = "みなと市総務局デジタル推進課"\n')
    monkeypatch.setenv(PROFILE_DIR_ENV, str(tmp_path))
    office = load_profile("minato").procedures["office"]
    assert office["name"] == "みなと市総務局デジタル推進課"
    assert office["short_name"] == "情報化推進室"  # kyoto's, kept: the table is merged, not replaced


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        (MINATO.replace('marketing_subject = "みなと市"', 'marketing_subject = "みなと市'), "(syntax)", "TOML として読めません"),
        (MINATO + 'public_phone = ["0123-45-6789"]\n', "params.public_phone", "不明な項目です"),
        (MINATO.replace('public_phones = ["0123-45-6789"]', 'public_phones = "0123-45-6789"'),
         "params.public_phones", "文字列の配列で指定してください（文字列が指定されています）"),
        (MINATO + "account_dormancy_days = \"半年\"\n", "params.account_dormancy_days", "整数で指定してください"),
        (MINATO + 'account_naming_pattern = "みなと市(広報"\n', "params.account_naming_pattern", "正規表現として読めません"),
        (MINATO + "[office]\nname = \"x\"\n", "office", "不明な項目です"),
        (MINATO.replace('extends = "kyoto"', 'extends = "osaka"'), "id", "プロファイル 'osaka' はありません"),
    ],
)  # fmt: skip
def test_a_broken_override_names_the_file_the_key_and_the_problem(tmp_path, monkeypatch, text, key, problem):
    path = write(tmp_path, "minato.toml", text)
    monkeypatch.setenv(PROFILE_DIR_ENV, str(tmp_path))
    with pytest.raises(ProfileError) as excinfo:
        load_profile("minato")
    message = str(excinfo.value)
    assert key in message and problem in message, message
    if key != "id":
        assert str(path) in message


def test_an_installation_directory_that_does_not_exist_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv(PROFILE_DIR_ENV, str(tmp_path / "profiels"))
    with pytest.raises(ProfileError, match="プロファイルのディレクトリがありません"):
        load_profile("kyoto")


def test_the_cli_reads_profile_dir_and_the_environment(tmp_path, monkeypatch, capsys):
    write(tmp_path, "minato.toml", MINATO)
    post = write(tmp_path, "post.txt", POST)
    assert cli.main(["check", "--format", "json", "--profile", "kyoto", str(post)]) in (0, 1)
    assert "pii.phone" in capsys.readouterr().out
    code = cli.main(
        ["check", "--format", "json", "--profile", "minato", "--profile-dir", str(tmp_path), str(post)]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == cli.EXIT_OK and report["profile"] == "minato"
    assert not [f for f in report["findings"] if f["rule"] == "pii.phone"]
    monkeypatch.setenv(PROFILE_DIR_ENV, str(tmp_path))
    assert cli.main(["profiles", "--format", "json"]) == cli.EXIT_OK
    assert "minato" in {p["id"] for p in json.loads(capsys.readouterr().out)["profiles"]}


def test_the_cli_refuses_a_broken_override_in_one_line_with_exit_2(tmp_path, capsys):
    path = write(tmp_path, "minato.toml", MINATO.replace("public_phones = [", "public_phones = 0123 # ["))
    post = write(tmp_path, "post.txt", POST)
    code = cli.main(["check", "--profile", "minato", "--profile-dir", str(tmp_path), str(post)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_USAGE and err.count("\n") == 1 and "Traceback" not in err
    assert str(path) in err and "TOML として読めません" in err


def test_the_cli_batch_uses_the_installation_profile(tmp_path, capsys):
    write(tmp_path, "minato.toml", MINATO)
    batch = write(tmp_path, "posts.jsonl", json.dumps({"id": "1", "text": POST}, ensure_ascii=False) + "\n")
    code = cli.main(["check", "--batch", str(batch), "--profile", "minato", "--profile-dir", str(tmp_path)])
    record = json.loads(capsys.readouterr().out.splitlines()[0])
    assert code == cli.EXIT_OK and not [f for f in record["findings"] if f["rule"] == "pii.phone"]
