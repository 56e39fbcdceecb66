"""``koshiki`` command line: check posts, list rules and profiles.

Contract (other tools depend on it):

- ``koshiki check [--profile ID] [--paid-third-party] [--author-kind KIND]
  [--format text|json] [FILE|-]`` and ``koshiki check --batch FILE.jsonl``;
- ``koshiki check --subject comment [--post-text TEXT] [--reply-policy P] [FILE|-]``: one
  citizen's comment, answered with its findings and a suggested ``action``; batch lines
  with ``"subject": "comment"`` (and ``"context": {"post_text": ...}``) likewise answer
  ``{"id", "findings", "action"}``;
- ``koshiki rules [--format json]``; ``koshiki profiles [--format json]``;
- ``--profile-dir DIR`` (``check``, ``profiles``; default: the ``KOSHIKI_PROFILE_DIR``
  environment variable): the installation's own profiles, looked up before the built-in
  ones (a file there may ``extends`` a built-in profile and override its values);
- exit 0 when no error-level finding, 1 when there is one, 2 for bad usage or
  unreadable input (a one-line Japanese message on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, NoReturn

from koshiki.checker.comments import check_comment, comment_report_dict, score_comments
from koshiki.checker.context import AUTHOR_KINDS, CheckContext, ContextError
from koshiki.checker.engine import DEFAULT_PROFILE, check
from koshiki.checker.findings import Finding, Severity, report_dict
from koshiki.checker.profiles import PROFILE_DIR_ENV, ProfileError, available, load_profile, search_path
from koshiki.checker.registry import all_rules
from koshiki.checker.text import Text

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad usage or unreadable input: print the message and exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"使い方が正しくありません: {message}（{self.prog} --help）")


_PROFILE_DIR_HELP = (
    f"市のプロファイルのディレクトリ（組み込みより先に探す。既定: 環境変数 {PROFILE_DIR_ENV}）"
)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="koshiki", description="自治体公式SNS投稿のガイドライン・チェッカー")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p_check = sub.add_parser("check", help="投稿文をチェックする")
    p_check.add_argument("file", nargs="?", default="-", help="投稿文のファイル（- で標準入力）")
    p_check.add_argument("--profile", default=None, help=f"プロファイル id（既定: {DEFAULT_PROFILE}）")
    p_check.add_argument("--profile-dir", default=None, metavar="DIR", help=_PROFILE_DIR_HELP)
    p_check.add_argument("--paid-third-party", action="store_true", help="謝礼を払って第三者に依頼した投稿")
    p_check.add_argument(
        "--author-kind", choices=AUTHOR_KINDS, default=None, help="投稿者の種別（既定: official）"
    )
    p_check.add_argument("--format", choices=("text", "json"), default="text")
    p_check.add_argument("--batch", metavar="FILE.jsonl", help="JSON Lines の投稿を一括チェック")
    p_check.add_argument(
        "--subject", choices=("post", "comment"), default="post", help="チェックする対象（既定: post 投稿文）"
    )
    p_check.add_argument(
        "--post-text", default=None, help="コメントが付いた公式投稿の本文（--subject comment）"
    )
    p_check.add_argument(
        "--reply-policy",
        default=None,
        help="アカウントの返信方針（none / as_needed など。既定はプロファイルの値）",
    )

    p_rules = sub.add_parser("rules", help="規則の一覧")
    p_rules.add_argument("--format", choices=("text", "json"), default="text")

    p_prof = sub.add_parser("profiles", help="プロファイルの一覧")
    p_prof.add_argument("--format", choices=("text", "json"), default="text")
    p_prof.add_argument("--profile-dir", default=None, metavar="DIR", help=_PROFILE_DIR_HELP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    try:
        args = _parser().parse_args(argv)
        args.dirs = search_path(getattr(args, "profile_dir", None))
        if args.command == "check":
            if args.batch:
                return _batch(
                    args.batch,
                    args.profile or DEFAULT_PROFILE,
                    sys.stdout,
                    _context_defaults(args),
                    dirs=args.dirs,
                )
            return _check_one(args)
        if args.command == "rules":
            return _rules(args.format)
        return _profiles(args.format, args.dirs)
    except UsageError as exc:
        print(f"koshiki: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (ProfileError, ContextError) as exc:
        print(f"koshiki: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 — the contract is "never a traceback"
        # A checker bug must still end in one line the caller can log; the
        # batch mode already turns such a failure into that line's error record.
        print(f"koshiki: 内部エラーが発生しました（不具合として報告してください）: {exc!r}", file=sys.stderr)
        return EXIT_USAGE


def _read_text(path: str) -> str:
    try:
        if path == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as fh:
                raw = fh.read()
    except OSError as exc:
        raise UsageError(f"ファイルを読めません: {path}: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{'標準入力' if path == '-' else path} は UTF-8 として読めません（{exc.start} バイト目）"
        ) from None


def _check_one(args: argparse.Namespace) -> int:
    if args.subject == "comment":
        return _check_comment(args)
    if args.post_text is not None or args.reply_policy is not None:
        raise UsageError("--post-text と --reply-policy は --subject comment と一緒に指定してください")
    text = _read_text(args.file)
    profile = load_profile(args.profile or DEFAULT_PROFILE, args.dirs)
    ctx = CheckContext(paid_third_party=args.paid_third_party, author_kind=args.author_kind or "official")
    findings = check(text, profile, ctx)
    if args.format == "json":
        out = report_dict(profile.id, findings)
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(render_text(text, findings, args.file if args.file != "-" else "<stdin>", profile.id))
    return _exit_code(findings)


def _check_comment(args: argparse.Namespace) -> int:
    if args.paid_third_party or args.author_kind is not None:
        raise UsageError("--paid-third-party と --author-kind は投稿文（--subject post）にだけ指定できます")
    text = _read_text(args.file)
    profile = load_profile(args.profile or DEFAULT_PROFILE, args.dirs)
    context: dict[str, Any] = {}
    if args.post_text is not None:
        context["post_text"] = args.post_text
    if args.reply_policy is not None:
        context["reply_policy"] = args.reply_policy
    result = check_comment(text, profile, context)
    if args.format == "json":
        print(json.dumps(comment_report_dict(profile.id, result), ensure_ascii=False, indent=2))
    else:
        name = args.file if args.file != "-" else "<stdin>"
        print(render_text(text, result.findings, name, profile.id))
        for f in result.findings:
            if f.policy is not None:
                version = f"（第{f.policy.version}版）" if f.policy.version is not None else ""
                print(f"  運用ポリシー[{f.rule}]: {f.policy.ref}{version} {f.policy.title}")
        basis = f"（{result.action_basis.profile} {result.action_basis.ref}）" if result.action_basis else ""
        print(f"{name}: 提案する対応: {result.action} {ACTION_LABELS[result.action]}{basis}")
    return _exit_code(result.findings)


ACTION_LABELS = {
    "none": "対応不要",
    "reply": "返信する",
    "interim_reply": "まず中間回答をし、後日正式に回答する",
    "redirect_to_official_email": "市の公式メール窓口へ案内する",
    "hide_or_delete": "非表示・削除を検討する",
    "escalate": "所管課・関係機関へ引き継ぐ",
}


def _exit_code(findings: list[Finding]) -> int:
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK


def _width(s: str) -> int:
    """Display width in a terminal: East Asian wide characters take two cells, marks none."""
    return sum(
        2
        if unicodedata.east_asian_width(c) in "WF"
        else 0
        if unicodedata.combining(c) or unicodedata.category(c) == "Cf"
        else 1
        for c in s
    )


def _display(line: str) -> str:
    """The line as shown under a finding: control and separator characters become one space
    each, so columns stay aligned with the original code points."""
    return "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in line)


def render_text(text: str, findings: list[Finding], name: str, profile_id: str) -> str:
    """Compiler-style report: each finding under its line with a ``^~~`` marker."""
    if not findings:
        return f"{name}: 指摘はありません（プロファイル: {profile_id}）"
    # Lines are cut at "\n" only, exactly as Text.line_col counts them (str.splitlines would
    # also cut at U+2028, \x0b, ... and show the wrong line under the finding).
    lines = text.split("\n")
    t = Text(text)
    out: list[str] = []
    for f in findings:
        line_no, col = t.line_col(f.start)
        line = _display(lines[line_no - 1].removesuffix("\r") if line_no - 1 < len(lines) else "")
        end_col = min(col + (f.end - f.start), len(line)) if f.end > f.start else col
        out.append(f"{name}:{line_no}:{col + 1}: {f.severity.label}[{f.rule}] {f.message}")
        out.append(f"  {line}")
        marker = "^" + "~" * max(0, _width(line[col:end_col]) - 1)
        out.append("  " + " " * _width(line[:col]) + marker)
        out.append(f"  条項: {f.clause.title}（{f.clause.profile} {f.clause.ref}）")
        if f.suggestion:
            repl = f" →「{f.suggestion.replacement}」" if f.suggestion.replacement else ""
            out.append(f"  提案: {f.suggestion.title}{repl}")
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    out.append(
        f"{name}: エラー {counts[Severity.ERROR]} 件、警告 {counts[Severity.WARNING]} 件、"
        f"情報 {counts[Severity.INFO]} 件（プロファイル: {profile_id}）"
    )
    return "\n".join(out)


def _batch_lines(path: str) -> Iterator[tuple[int, bytes]]:
    try:
        fh: IO[bytes] = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise UsageError(f"ファイルを読めません: {path}: {exc.strerror}") from None
    with fh:
        for no, raw in enumerate(fh, 1):
            if raw.strip():
                yield no, raw


def _context_defaults(args: argparse.Namespace) -> dict[str, Any]:
    """The context keys given on the command line, as defaults for every batch line."""
    defaults: dict[str, Any] = {}
    if args.paid_third_party:
        defaults["paid_third_party"] = True
    if args.author_kind is not None:
        defaults["author_kind"] = args.author_kind
    return defaults


def _batch(
    path: str,
    default_profile: str,
    out: IO[str],
    context_defaults: Mapping[str, Any] | None = None,
    dirs: tuple[Path, ...] | None = None,
) -> int:
    """One output line per non-blank input line, in order; a bad line gets an error record.

    ``--profile``, ``--paid-third-party`` and ``--author-kind`` of the command line
    apply to every line that does not set the same key itself (``profile`` at the
    top level, the others in its ``context``).
    """
    load_profile(default_profile, dirs)  # a bad --profile is a usage error, not 10,000 error records
    defaults = dict(context_defaults or {})
    worst = EXIT_OK
    for chunk in _chunks(_batch_lines(path), _CHUNK):
        scores = _comment_scores(chunk)
        for no, raw in chunk:
            record = _batch_record(no, raw, default_profile, defaults, scores.get(no), dirs)
            if any(f.get("severity") == "error" for f in record.get("findings", [])):
                worst = EXIT_FINDINGS
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return worst


_CHUNK = 256  # lines read ahead: the comment model scores a chunk's comments in one call


def _chunks(lines: Iterator[tuple[int, bytes]], size: int) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    for item in lines:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _comment_scores(chunk: list[tuple[int, bytes]]) -> dict[int, Any]:
    """The comment model's scores of the chunk's comment lines, by line number (one model call)."""
    texts: dict[int, str] = {}
    for no, raw in chunk:
        try:
            item = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(item, dict) and item.get("subject") == "comment" and isinstance(item.get("text"), str):
            texts[no] = item["text"]
    if not texts:
        return {}
    return dict(zip(texts, score_comments(list(texts.values())), strict=True))


def _batch_record(
    no: int,
    raw: bytes,
    default_profile: str,
    context_defaults: Mapping[str, Any] | None = None,
    comment_probs: Mapping[str, float] | None = None,
    dirs: tuple[Path, ...] | None = None,
) -> dict[str, Any]:
    try:
        item = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return {"id": None, "line": no, "error": f"{no} 行目が UTF-8 として読めません"}
    except json.JSONDecodeError as exc:
        return {"id": None, "line": no, "error": f"{no} 行目が JSON として読めません: {exc.msg}"}
    if not isinstance(item, dict):
        return {"id": None, "line": no, "error": f"{no} 行目は JSON オブジェクトではありません"}
    post_id = item.get("id")
    text = item.get("text")
    if not isinstance(text, str):
        return {"id": post_id, "line": no, "error": "text は文字列で指定してください"}
    profile_id = item.get("profile")
    if profile_id is None:  # absent or null: the --profile of the run
        profile_id = default_profile
    subject = item.get("subject", "post")
    if subject not in ("post", "comment"):
        return {"id": post_id, "line": no, "error": "subject は post か comment で指定してください"}
    try:
        if not isinstance(profile_id, str):
            raise ContextError("profile は文字列で指定してください")
        if subject == "comment":
            result = check_comment(
                text, load_profile(profile_id, dirs), item.get("context"), probs=comment_probs
            )
            return {
                "id": post_id,
                "findings": [f.as_dict() for f in result.findings],
                "action": result.action,
                "action_basis": result.action_basis.as_dict() if result.action_basis else None,
            }
        context = item.get("context")
        if context_defaults and (context is None or isinstance(context, dict)):
            context = {**context_defaults, **(context or {})}
        findings = check(text, load_profile(profile_id, dirs), CheckContext.from_dict(context))
    except (ContextError, ProfileError) as exc:
        return {"id": post_id, "line": no, "error": str(exc)}
    except Exception as exc:  # a rule's bug must not lose the other 9,999 posts of a batch
        detail = " ".join(str(exc).split())
        return {"id": post_id, "line": no, "error": f"チェック中の内部エラー: {type(exc).__name__}: {detail}"}
    return {"id": post_id, "findings": [f.as_dict() for f in findings]}


def _rules(fmt: str) -> int:
    rules = all_rules()
    if fmt == "json":
        rows = [
            {
                "id": r.id,
                "title": r.title,
                "family": r.family,
                "subject": r.subject,
                "default_severity": r.default_severity.value,
                "status": r.status,
                "requires": r.requires,
                "summary": r.summary,
            }
            for r in rules.values()
        ]
        print(json.dumps({"rules": rows}, ensure_ascii=False, indent=2))
        return EXIT_OK
    for r in rules.values():
        print(f"{r.id:32} {r.default_severity.value:8} {r.status:8} {r.title}")
    return EXIT_OK


def _profiles(fmt: str, dirs: tuple[Path, ...] | None = None) -> int:
    profiles = [load_profile(pid, dirs) for pid in available(dirs)]
    if fmt == "json":
        rows = [
            {
                "id": p.id,
                "name": p.name,
                "municipality": p.municipality,
                "extends": p.extends,
                "active_rules": [r.id for r, _ in p.active("post")],
            }
            for p in profiles
        ]
        print(json.dumps({"profiles": rows}, ensure_ascii=False, indent=2))
        return EXIT_OK
    for p in profiles:
        ext = f"（{p.extends} を継承）" if p.extends else ""
        print(f"{p.id:12} {p.municipality:8} {p.name}{ext}")
    return EXIT_OK


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
