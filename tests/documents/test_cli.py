"""``manage.py forms``: the contract other tools rely on (list, render, exit 2 with one Japanese line)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pypdf
import pytest
from django.db import connections

from koshiki.documents.management.commands.forms import Command
from koshiki.documents.render import sha256_hex
from tests.personas import account_in


@pytest.fixture(autouse=True)
def keep_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """``run_from_argv`` closes every connection when it ends, which would end the test's transaction."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``manage.py forms …`` in-process as the shell would (argv parsing, exit code).

    ``run_from_argv`` is what ``manage.py`` calls; going through it directly (not
    ``ManagementUtility``) keeps ``django.setup()`` from rebinding the log handlers
    to this test's captured stderr.
    """
    code = 0
    try:
        Command().run_from_argv(["manage.py", "forms", *argv])
    except SystemExit as e:
        code = int(e.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_prints_id_and_title_of_each_form_of_a_profile(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run("list", "--profile", "kyoto", capsys=capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "policy\t様式1 運用ポリシー"
    assert "listing_request\t様式2 ソーシャルメディア一覧掲載依頼書" in lines
    assert "external_service_request\t外部サービス利用申請書（京都市外部サービス（クラウドサービス）利用の手引）" in lines
    assert len(lines) == 8


def test_list_without_profile_names_the_profile_of_each_form(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("list", capsys=capsys)
    assert code == 0
    assert "komae\tprocessing_plan\t第4号様式 電子計算組織処理計画書" in out.splitlines()
    assert {line.split("\t")[0] for line in out.splitlines()} == {
        "kyoto",
        "komae",
        "ishinomaki",
        "akitakata",
        "kawasaki",
        "standard",
    }


def test_render_demo_writes_the_file_and_prints_its_digest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_path = tmp_path / "様式2.pdf"
    code, out, err = run(
        "render",
        "--profile",
        "kyoto",
        "--form",
        "listing_request",
        "--demo",
        "--format",
        "pdf",
        "--out",
        str(out_path),
        "--date",
        "令和8年4月1日",
        capsys=capsys,
    )
    assert (code, err) == (0, "")
    data = out_path.read_bytes()
    assert out.strip() == f"{out_path}\t{sha256_hex(data)}"
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "みなと市ソーシャルメディア一覧掲載依頼書" in text and "令和8年4月1日" in text


@pytest.mark.django_db
def test_render_an_account_fills_the_form_from_the_registry(city, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    account = account_in(city, "listed")
    out_path = tmp_path / "f.docx"
    code, _, err = run(
        "render",
        "--profile",
        "kyoto",
        "--form",
        "listing_request",
        "--account",
        str(account.pk),
        "--format",
        "docx",
        "--out",
        str(out_path),
        "--date",
        "2026-04-01",
        capsys=capsys,
    )
    assert (code, err) == (0, "")
    document = docx.Document(str(out_path))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert f"{city.municipality.name}ソーシャルメディア一覧掲載依頼書" in text
    assert "令和8年4月1日" in text and "広報課長" in text
    assert account.display_name in cells and "■市政情報" in "".join(cells)


BAD = [
    ((), "list か render を指定してください"),
    (("delete",), "不明な操作です: delete"),
    (("list", "--profile", "osaka"), "不明なプロファイルです: osaka"),
    (
        ("render", "--profile", "kyoto", "--form", "youshiki9", "--demo", "--format", "pdf", "--out", "x"),
        "kyoto に様式 youshiki9 はありません",
    ),
    (
        ("render", "--profile", "kyoto", "--form", "policy", "--demo", "--format", "xlsx", "--out", "x"),
        "--format は docx か pdf",
    ),
    (
        ("render", "--profile", "kyoto", "--form", "policy", "--format", "pdf", "--out", "x"),
        "--account（アカウントのID）か --demo",
    ),
    (
        (
            "render",
            "--profile",
            "kyoto",
            "--form",
            "policy",
            "--account",
            "abc",
            "--format",
            "pdf",
            "--out",
            "x",
        ),
        "アカウントの番号（数字）",
    ),
    (
        ("render", "--profile", "kyoto", "--form", "policy", "--demo", "--format", "pdf"),
        "--out に書き出すファイルのパス",
    ),
    (
        (
            "render",
            "--profile",
            "kyoto",
            "--form",
            "policy",
            "--demo",
            "--format",
            "pdf",
            "--out",
            "/nonexistent-dir/x.pdf",
        ),
        "書き出せません",
    ),
    (
        (
            "render",
            "--profile",
            "kyoto",
            "--form",
            "policy",
            "--demo",
            "--format",
            "pdf",
            "--out",
            "x",
            "--date",
            "平成40年1月1日",
        ),
        "平成の期間外",
    ),
    (("list", "--colour"), "引数を読めません"),
]


@pytest.mark.parametrize(("argv", "message"), BAD)
def test_bad_input_exits_2_with_one_japanese_line(argv, message, capsys) -> None:  # noqa: ANN001
    code, out, err = run(*argv, capsys=capsys)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err
    assert "Traceback" not in err


@pytest.mark.django_db
def test_an_account_of_another_profile_or_missing_exits_2(city, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    account = account_in(city, "listed")
    code, _, err = run(
        "render",
        "--profile",
        "komae",
        "--form",
        "policy",
        "--account",
        str(account.pk),
        "--format",
        "pdf",
        "--out",
        str(tmp_path / "x.pdf"),
        capsys=capsys,
    )
    assert code == 2 and "kyoto プロファイルです" in err
    code, _, err = run(
        "render",
        "--profile",
        "kyoto",
        "--form",
        "policy",
        "--account",
        "999999",
        "--format",
        "pdf",
        "--out",
        str(tmp_path / "x.pdf"),
        capsys=capsys,
    )
    assert code == 2 and err == "アカウント 999999 は台帳にありません\n"
