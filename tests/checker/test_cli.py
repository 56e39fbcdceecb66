"""The ``koshiki`` command-line contract (see koshiki/checker/cli.py).

Inputs that must produce a finding use cases RULES.md calls findings without doubt: a URL
shortener (``link.shortener``, error), a mobile phone number (``pii.phone``, error) and a link
to a non-official site (``link.external``, info).
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from koshiki.checker import Clause, Finding, Severity
from koshiki.checker.cli import main, render_text
from koshiki.checker.registry import all_rules

PROFILES = {"kyoto", "komae", "ishinomaki", "akitakata", "kawasaki", "standard"}
POST_RULES = {
    "pii.phone",
    "pii.email",
    "pii.mynumber",
    "pii.address",
    "pii.postal_code",
    "pii.person_name",
    "pii.location",
    "confidential.deliberation",
    "confidential.secret",
    "confidential.security",
    "harm.insult",
    "harm.discrimination",
    "harm.obscene",
    "harm.illegal",
    "harm.rumor",
    "link.shortener",
    "link.unsafe",
    "link.external",
    "link.insecure",
    "style.masking",
    "style.repetition",
    "promo.missing_disclosure",
    "promo.wrong_order",
    "promo.not_leading",
    "promo.fused_tag",
    "neutrality.politics_religion",
    "neutrality.commercial",
}
RULES_MD = Path(__file__).resolve().parents[3] / "shared" / "RULES.md"

SHORTENER_POST = "秋の特別拝観の一覧はこちら🍁\n申込み bit.ly/abc\n#京都市"
PHONE_POST = "落とし物の財布は、担当の携帯（090-3812-4471）までご連絡ください。"
EXTERNAL_POST = "市内の紅葉情報は観光協会のサイトでも紹介しています。https://www.example.com/kouyou"
CLEAN_POST = "本日の市役所本庁舎の窓口は、通常どおり８時３０分から開いています。"


def needs(*rule_ids: str) -> pytest.MarkDecorator:
    """Skip while a rule the case relies on is still a placeholder (status preview)."""
    rules = all_rules()
    pending = [r for r in rule_ids if rules[r].status == "preview"]
    return pytest.mark.skipif(bool(pending), reason=f"rule not implemented yet: {', '.join(pending)}")


def run_main(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    stdin: bytes | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def run_cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "koshiki.checker.cli", *args], input=stdin, capture_output=True, timeout=60
    )


def write(tmp_path: Path, text: str, name: str = "post.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- text format -------------------------------------------------------------


@needs("link.shortener")
def test_text_format_shows_the_finding_under_its_line_with_a_marker(tmp_path, capsys):
    path = write(tmp_path, SHORTENER_POST)
    code, out, _ = run_main(["check", str(path)], capsys)
    assert code == 1
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if "[link.shortener]" in line)
    assert lines[header].startswith(f"{path}:2:5: エラー[link.shortener] ")
    assert lines[header + 1] == "  申込み bit.ly/abc"
    # 申込み is three wide characters (6 cells) plus a space: the marker starts at cell 7.
    assert lines[header + 2] == "  " + " " * 7 + "^" + "~" * (len("bit.ly/abc") - 1)
    assert lines[header + 3].startswith("  条項: ")
    assert "エラー 1 件" in lines[-1] and "standard" in lines[-1]


def test_text_format_without_findings_says_so(tmp_path, capsys):
    code, out, _ = run_main(["check", str(write(tmp_path, CLEAN_POST))], capsys)
    assert code == 0
    assert "指摘はありません" in out


def _finding(start: int, end: int, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(
        "link.shortener", severity, start, end, "短縮URLです", Clause("standard", "4(3)オ", "短縮URL")
    )


@pytest.mark.parametrize(
    "text,target,line_no,shown,pad",
    [
        ("一行目\r\n二行目 bit.ly/x\r\n", "bit.ly/x", 2, "二行目 bit.ly/x", 7),
        ("前\u2028後 bit.ly/x", "bit.ly/x", 1, "前 後 bit.ly/x", 6),
        ("\tbit.ly/x", "bit.ly/x", 1, " bit.ly/x", 1),
        ("ｶﾞｲﾄﾞ bit.ly/x", "bit.ly/x", 1, "ｶﾞｲﾄﾞ bit.ly/x", 6),
        ("café bit.ly/x".replace("é", "e\u0301"), "bit.ly/x", 1, "cafe\u0301 bit.ly/x", 5),
    ],
    ids=["crlf", "line-separator", "tab", "half-width-kana", "combining-mark"],
)
def test_marker_lands_under_the_span_whatever_the_line_holds(text, target, line_no, shown, pad):
    start = text.index(target)
    out = render_text(text, [_finding(start, start + len(target))], "post.txt", "standard").splitlines()
    assert out[0].startswith(f"post.txt:{line_no}:")
    assert out[1] == "  " + shown
    assert out[2] == "  " + " " * pad + "^" + "~" * (len(target) - 1)


# --- json format -------------------------------------------------------------


@needs("link.shortener", "pii.phone")
def test_json_format_has_exactly_the_contract_keys(tmp_path, capsys):
    code, out, _ = run_main(
        ["check", "--format", "json", str(write(tmp_path, PHONE_POST + "\n" + SHORTENER_POST))], capsys
    )
    assert code == 1
    data = json.loads(out)
    assert set(data) == {"profile", "findings"}
    assert data["profile"] == "standard"
    assert {f["rule"] for f in data["findings"]} >= {"pii.phone", "link.shortener"}
    text = PHONE_POST + "\n" + SHORTENER_POST
    for f in data["findings"]:
        assert set(f) == {"rule", "severity", "start", "end", "message", "clause", "suggestion"}
        assert set(f["clause"]) == {"profile", "ref", "title"}
        assert f["severity"] in {"error", "warning", "info"}
        assert 0 <= f["start"] <= f["end"] <= len(text)
        if f["suggestion"] is not None:
            assert set(f["suggestion"]) == {"title", "replacement"}
    phone = next(f for f in data["findings"] if f["rule"] == "pii.phone")
    assert text[phone["start"] : phone["end"]] == "090-3812-4471"


# --- exit codes ----------------------------------------------------------------


def test_exit_0_without_findings(tmp_path, capsys):
    assert run_main(["check", str(write(tmp_path, CLEAN_POST))], capsys)[0] == 0


@needs("link.external")
def test_exit_0_when_findings_are_below_error(tmp_path, capsys):
    code, out, _ = run_main(["check", "--format", "json", str(write(tmp_path, EXTERNAL_POST))], capsys)
    findings = json.loads(out)["findings"]
    assert findings and all(f["severity"] != "error" for f in findings)
    assert code == 0


@needs("pii.phone")
def test_exit_1_with_an_error_finding_read_from_stdin(capsys, monkeypatch):
    code, out, _ = run_main(["check", "-"], capsys, stdin=PHONE_POST.encode(), monkeypatch=monkeypatch)
    assert code == 1
    assert "<stdin>:1:" in out and "[pii.phone]" in out


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["check", "--format", "xml", "x.txt"],
        ["check", "--author-kind", "mayor", "x.txt"],
        ["check", "--profile", "osaka", "-"],
        ["check", "/nonexistent/post.txt"],
        ["check", "--batch", "/nonexistent/posts.jsonl"],
        ["rules", "--format", "yaml"],
    ],
    ids=[
        "no-command",
        "unknown-command",
        "bad-format",
        "bad-author-kind",
        "unknown-profile",
        "missing-file",
        "missing-batch-file",
        "bad-rules-format",
    ],
)
def test_exit_2_with_a_one_line_message_for_bad_usage(argv, capsys, monkeypatch):
    code, out, err = run_main(argv, capsys, stdin=CLEAN_POST.encode(), monkeypatch=monkeypatch)
    assert code == 2
    assert out == ""
    assert err.startswith("koshiki: ") and err.count("\n") == 1


def test_a_directory_is_unreadable_input(tmp_path, capsys):
    code, _, err = run_main(["check", str(tmp_path)], capsys)
    assert code == 2 and err.count("\n") == 1


# --- invalid UTF-8: a real process, to see that no traceback escapes ------------


def test_invalid_utf8_on_stdin_exits_2_without_traceback():
    proc = run_cli("check", "-", stdin="申込み".encode() + b"\xff\xfe bit.ly/abc")
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "Traceback" not in err and err.count("\n") == 1
    assert "UTF-8" in err
    assert proc.stdout == b""


def test_invalid_utf8_in_a_file_exits_2_without_traceback(tmp_path):
    path = tmp_path / "sjis.txt"
    path.write_bytes("市役所のお知らせ".encode("shift_jis"))
    proc = run_cli("check", "--format", "json", str(path))
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "Traceback" not in err and err.count("\n") == 1
    assert str(path) in err


def test_unknown_profile_exits_2_in_a_real_process():
    proc = run_cli("check", "--profile", "osaka", "-", stdin=CLEAN_POST.encode())
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr.decode()


# --- options -------------------------------------------------------------------


@needs("promo.wrong_order")
def test_paid_third_party_switches_on_the_promo_rules(tmp_path, capsys):
    path = write(tmp_path, "#京都市 #PR\n嵐山の竹林、朝の空気が最高でした🎋")
    _, out, _ = run_main(["check", "--profile", "kyoto", "--format", "json", str(path)], capsys)
    assert not [f for f in json.loads(out)["findings"] if f["rule"].startswith("promo.")]
    _, out, _ = run_main(
        [
            "check",
            "--profile",
            "kyoto",
            "--paid-third-party",
            "--author-kind",
            "influencer",
            "--format",
            "json",
            str(path),
        ],
        capsys,
    )
    findings = json.loads(out)["findings"]
    assert "promo.wrong_order" in {f["rule"] for f in findings}
    assert all(f["clause"]["profile"] == "kyoto" for f in findings)


# --- batch mode ----------------------------------------------------------------


def _batch_input() -> list[str]:
    return [
        json.dumps({"id": "ok-1", "text": CLEAN_POST}, ensure_ascii=False),
        json.dumps({"id": "err-1", "text": SHORTENER_POST, "profile": "kyoto"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "bad-text", "text": 42}),
        json.dumps(
            {"id": "bad-context", "text": CLEAN_POST, "context": {"paid_third_party": "yes"}},
            ensure_ascii=False,
        ),
        json.dumps(
            {"id": "unknown-key", "text": CLEAN_POST, "context": {"colour": "red"}}, ensure_ascii=False
        ),
        json.dumps({"id": "unknown-profile", "text": CLEAN_POST, "profile": "osaka"}, ensure_ascii=False),
        json.dumps([1, 2, 3]),
        "",
        json.dumps(
            {"id": 7, "text": PHONE_POST, "context": {"author_kind": "contractor"}}, ensure_ascii=False
        ),
    ]


def _records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


@needs("link.shortener", "pii.phone")
def test_batch_keeps_input_order_and_reports_bad_lines_by_id(tmp_path, capsys):
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(_batch_input()) + "\n", encoding="utf-8")
    code, out, err = run_main(["check", "--batch", str(path)], capsys)
    assert err == ""
    records = _records(out)
    assert [r.get("id") for r in records] == [
        "ok-1",
        "err-1",
        None,
        "no-text",
        "bad-text",
        "bad-context",
        "unknown-key",
        "unknown-profile",
        None,
        7,
    ]
    assert records[0] == {"id": "ok-1", "findings": []}
    assert "link.shortener" in {f["rule"] for f in records[1]["findings"]}
    assert records[1]["findings"][0]["clause"]["profile"] == "kyoto"
    for r in records[2:9]:
        assert set(r) == {"id", "line", "error"} and "findings" not in r
        assert r["error"] and "\n" not in r["error"]
    assert records[2]["line"] == 3 and records[8]["line"] == 9
    assert "pii.phone" in {f["rule"] for f in records[9]["findings"]}
    assert code == 1


@needs("link.shortener")
def test_batch_null_profile_means_the_run_profile(tmp_path, capsys):
    # Review fix: "profile": null was an error record; JSON writers emit null for "absent".
    path = tmp_path / "posts.jsonl"
    line = json.dumps({"id": "n", "text": SHORTENER_POST, "profile": None}, ensure_ascii=False)
    path.write_text(line + "\n", encoding="utf-8")
    code, out, _ = run_main(["check", "--batch", str(path), "--profile", "kyoto"], capsys)
    (record,) = _records(out)
    assert "error" not in record
    assert {f["clause"]["profile"] for f in record["findings"]} == {"kyoto"}
    assert code == 1


PROMO_POST = "#京都市 #PR 紅葉の名所をめぐる旅に出かけました🍁"


@needs("promo.wrong_order")
def test_batch_applies_command_line_context_to_lines_that_do_not_set_it(tmp_path, capsys, monkeypatch):
    # Issue 13 item 5: --paid-third-party and --author-kind were ignored in batch mode.
    import koshiki.checker.cli as cli

    seen: dict[object, object] = {}
    real_check = cli.check

    def spy(text, profile, context):
        seen[len(seen)] = (profile.id, context.paid_third_party, context.author_kind)
        return real_check(text, profile, context)

    monkeypatch.setattr(cli, "check", spy)
    lines = [
        {"id": "inherits", "text": PROMO_POST},
        {"id": "own-flag", "text": PROMO_POST, "context": {"paid_third_party": False}},
        {"id": "own-kind", "text": PROMO_POST, "context": {"author_kind": "official"}, "profile": "standard"},
    ]
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    argv = [
        "check",
        "--batch",
        str(path),
        "--profile",
        "kyoto",
        "--paid-third-party",
        "--author-kind",
        "influencer",
    ]
    code, out, err = run_main(argv, capsys)
    records = _records(out)
    assert err == ""
    assert [r["id"] for r in records] == ["inherits", "own-flag", "own-kind"]
    assert "promo.wrong_order" in {f["rule"] for f in records[0]["findings"]}
    assert not any(f["rule"].startswith("promo.") for f in records[1]["findings"])
    assert "promo.wrong_order" in {f["rule"] for f in records[2]["findings"]}
    assert seen == {
        0: ("kyoto", True, "influencer"),
        1: ("kyoto", False, "influencer"),
        2: ("standard", True, "official"),
    }
    assert code == 1


def test_batch_without_command_line_context_keeps_each_lines_own(tmp_path, capsys):
    path = tmp_path / "posts.jsonl"
    path.write_text(json.dumps({"id": 1, "text": PROMO_POST}, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, _ = run_main(["check", "--batch", str(path), "--profile", "kyoto"], capsys)
    (record,) = _records(out)
    assert not any(f["rule"].startswith("promo.") for f in record["findings"])


def test_batch_from_stdin_with_invalid_utf8_line_keeps_going(capsys, monkeypatch):
    data = (
        json.dumps({"id": "a", "text": CLEAN_POST}, ensure_ascii=False).encode()
        + b"\n"
        + b'{"id": "b", "text": "\xff"}\n'
        + json.dumps({"id": "c", "text": CLEAN_POST}, ensure_ascii=False).encode()
        + b"\n"
    )
    code, out, _ = run_main(["check", "--batch", "-"], capsys, stdin=data, monkeypatch=monkeypatch)
    records = _records(out)
    assert [r.get("id") for r in records] == ["a", None, "c"]
    assert "error" in records[1] and records[1]["line"] == 2
    assert code == 0


def test_batch_unknown_default_profile_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "posts.jsonl"
    path.write_text(json.dumps({"id": 1, "text": "x"}) + "\n", encoding="utf-8")
    code, out, err = run_main(["check", "--batch", str(path), "--profile", "osaka"], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1


def test_batch_runs_many_posts_in_one_process(tmp_path, capsys):
    texts = [CLEAN_POST, SHORTENER_POST, PHONE_POST, EXTERNAL_POST, "#PR #京都市 紅葉🍁"]
    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(500):
            fh.write(
                json.dumps(
                    {"id": i, "text": texts[i % len(texts)], "profile": sorted(PROFILES)[i % 6]},
                    ensure_ascii=False,
                )
                + "\n"
            )
    code, out, err = run_main(["check", "--batch", str(path)], capsys)
    records = _records(out)
    assert err == ""
    assert [r["id"] for r in records] == list(range(500))
    assert all(set(r) == {"id", "findings"} for r in records)


# --- rules and profiles ----------------------------------------------------------


def _rules_md_ids(section: str) -> set[str]:
    """Rule ids in the tables of one RULES.md part: ``post`` (up to "## Media rules")
    or ``media`` (from there to "## Account rules")."""
    text = RULES_MD.read_text(encoding="utf-8")
    before_accounts = text.split("## Account rules", 1)[0]
    post_part, _, media_part = before_accounts.partition("## Media rules")
    part = post_part if section == "post" else media_part
    return set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", part, flags=re.M))


def test_rules_json_lists_every_post_rule_of_the_catalog(capsys):
    """Every post and media rule of RULES.md is in the catalog with its subject.

    Subjects are compared one by one, so rules of other subjects (account.*, and
    comment.* when they come) neither break nor satisfy this test.
    """
    code, out, _ = run_main(["rules", "--format", "json"], capsys)
    assert code == 0
    rows = json.loads(out)["rules"]
    ids = {r["id"] for r in rows}
    assert ids >= POST_RULES
    by_subject = {s: {r["id"] for r in rows if r["subject"] == s} for s in ("post", "media")}
    assert by_subject["post"] == POST_RULES
    if RULES_MD.exists():
        assert _rules_md_ids("post") == POST_RULES
        assert _rules_md_ids("media") == by_subject["media"]
        assert by_subject["media"]
    for r in rows:
        assert {"id", "title", "family", "default_severity", "status"} <= set(r)


def test_rules_text_lists_one_rule_per_line(capsys):
    code, out, _ = run_main(["rules"], capsys)
    assert code == 0
    listed = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert listed >= POST_RULES


def test_profiles_lists_the_six_profiles(capsys):
    code, out, _ = run_main(["profiles"], capsys)
    assert code == 0
    assert {line.split()[0] for line in out.splitlines() if line.strip()} >= PROFILES
    code, out, _ = run_main(["profiles", "--format", "json"], capsys)
    rows = {p["id"]: p for p in json.loads(out)["profiles"]}
    assert set(rows) >= PROFILES
    assert set(rows["standard"]["active_rules"]) >= POST_RULES


def test_an_internal_error_ends_in_one_line_and_exit_2(monkeypatch, capsys):
    """A bug inside a rule must not surface as a traceback on the CLI."""
    from koshiki.checker import cli

    def broken(*_args, **_kwargs):
        raise RuntimeError("rule exploded")

    monkeypatch.setattr(cli, "check", broken)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("本文".encode())))
    assert cli.main(["check", "-"]) == 2
    err = capsys.readouterr().err
    assert "内部エラー" in err and "rule exploded" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
