"""Rule documentation pages generated from the rule modules' docstrings.

Each rule's module docstring IS its documentation (registry.py); this module
adds a header (id, title, default severity, status, subject and each
profile's clause binding and severity) and writes ``docs/rules/<id>.md`` plus
an ``index.md`` overview. The output depends only on the rule catalog and the
shipped profiles, never on the time or the machine, so a test can compare the
committed pages with a fresh rendering.

Usage: ``python -m koshiki.checker.docs docs/rules`` (``--check`` only
compares and exits 1 when the committed pages are stale).
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Sequence
from pathlib import Path

from koshiki.checker.profiles import Binding, Profile, available, load_profile
from koshiki.checker.registry import Rule, all_rules

REGENERATE = "python -m koshiki.checker.docs docs/rules"
INDEX = "index.md"
_NOTICE = f"<!-- 自動生成: 規則モジュールの docstring とプロファイルから `{REGENERATE}` で作る。手で編集しないこと。 -->"
_SEVERITY_LABELS = {"error": "エラー", "warning": "警告", "info": "情報", "off": "適用しない"}
_SUBJECT_LABELS = {"post": "投稿", "account": "アカウント", "comment": "コメント", "media": "画像・動画"}
_STATUS_LABELS = {"preview": "試行", "stable": "安定", "deprecated": "非推奨", "removed": "廃止"}


def _profiles() -> list[Profile]:
    """Shipped profiles: ``standard`` first, then the cities in id order."""
    ids = available()
    ordered = (["standard"] if "standard" in ids else []) + [i for i in ids if i != "standard"]
    return [load_profile(i) for i in ordered]


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ").strip() or "—"


def _severity(rule: Rule, binding: Binding | None) -> str:
    """The severity a profile applies, saying whether it is the rule's default."""
    if binding is None or not binding.enabled:
        return "off（適用しない）"
    if binding.severity is None:
        value = rule.default_severity.value
        return f"{value}（{_SEVERITY_LABELS[value]}・既定）"
    value = binding.severity.value
    return f"**{value}**（{_SEVERITY_LABELS[value]}・プロファイルで指定）"


def _short_severity(rule: Rule, binding: Binding | None) -> str:
    if binding is None or not binding.enabled:
        return "off"
    if binding.severity is None:
        return rule.default_severity.value
    return f"**{binding.severity.value}**"


def _body(rule: Rule) -> tuple[str, str]:
    """The docstring split into its one-line summary and the rest."""
    doc = inspect.cleandoc(rule.doc) if rule.doc.strip() else rule.title
    summary, _, rest = doc.partition("\n")
    return summary.strip(), rest.strip()


def render_rule_page(rule: Rule, profiles: Sequence[Profile] | None = None) -> str:
    """The Markdown page of one rule: header, per-profile bindings, then the docstring."""
    profiles = _profiles() if profiles is None else profiles
    summary, rest = _body(rule)
    lines = [
        _NOTICE,
        "",
        f"# `{rule.id}` {rule.title}",
        "",
        summary,
        "",
        "| 項目 | 内容 |",
        "|---|---|",
        f"| 規則 id | `{rule.id}` |",
        f"| 名称 | {_cell(rule.title)} |",
        f"| 既定の重大度 | {rule.default_severity.value}（{_SEVERITY_LABELS[rule.default_severity.value]}） |",
        f"| 状態 | {rule.status}（{_STATUS_LABELS.get(rule.status, rule.status)}） |",
        f"| 対象 | {rule.subject}（{_SUBJECT_LABELS.get(rule.subject, rule.subject)}） |",
    ]
    if rule.requires:
        lines.append(f"| 実行条件 | コンテキストの `{rule.requires}` が真のときだけ |")
    lines += [
        "",
        "## プロファイル別の条項と重大度",
        "",
        "| プロファイル | 自治体 | 条項 | 見出し | 重大度 |",
        "|---|---|---|---|---|",
    ]
    for profile in profiles:
        binding = profile.bindings.get(rule.id)
        enabled = binding is not None and binding.enabled
        ref = _cell(binding.clause.ref) if enabled and binding else "—"
        if enabled and binding and binding.clause.profile != profile.id:
            ref += f"（`{binding.clause.profile}` から継承）"
        title = binding.clause.title if enabled and binding else ""
        lines.append(
            f"| `{profile.id}` | {_cell(profile.municipality)} | {ref} | {_cell(title)} "
            f"| {_severity(rule, binding)} |"
        )
    lines.append("")
    if rest:
        lines += [rest, ""]
    return "\n".join(lines)


def render_index(rules: Sequence[Rule], profiles: Sequence[Profile] | None = None) -> str:
    """The overview page: every rule with its default and each profile's severity."""
    profiles = _profiles() if profiles is None else profiles
    head = "| 規則 | 名称 | 対象 | 状態 | 既定 | " + " | ".join(f"`{p.id}`" for p in profiles) + " |"
    rule_line = "|---|---|---|---|---|" + "---|" * len(profiles)
    lines = [
        _NOTICE,
        "",
        "# 規則一覧",
        "",
        "各規則の既定の重大度と、プロファイルごとの重大度（**太字**はプロファイルで指定、"
        "off は適用しない）。条項は各規則のページにある。",
        "",
        head,
        rule_line,
    ]
    for rule in rules:
        cells = [_short_severity(rule, p.bindings.get(rule.id)) for p in profiles]
        lines.append(
            f"| [`{rule.id}`]({rule.id}.md) | {_cell(rule.title)} | {rule.subject} | {rule.status} "
            f"| {rule.default_severity.value} | " + " | ".join(cells) + " |"
        )
    lines.append("")
    return "\n".join(lines)


def render_all() -> dict[str, str]:
    """File name -> content of every generated page (one per rule, plus the index)."""
    rules = list(all_rules().values())
    profiles = _profiles()
    pages = {f"{rule.id}.md": render_rule_page(rule, profiles) for rule in rules}
    pages[INDEX] = render_index(rules, profiles)
    return pages


def stale_pages(directory: Path) -> list[str]:
    """Names of pages in ``directory`` that are missing, differ or are no longer generated."""
    pages = render_all()
    stale = [
        name
        for name, content in pages.items()
        if not (directory / name).is_file() or (directory / name).read_text(encoding="utf-8") != content
    ]
    extra = [p.name for p in directory.glob("*.md") if p.name not in pages] if directory.is_dir() else []
    return sorted(stale + extra)


def write_docs(directory: Path | str) -> list[Path]:
    """Write every page into ``directory`` and delete pages of no current rule; returns the written paths.

    ``directory`` holds generated pages only: any other ``*.md`` file in it is removed.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    pages = render_all()
    written = []
    for name, content in pages.items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
        written.append(path)
    for path in directory.glob("*.md"):
        if path.name not in pages:
            path.unlink()
    return sorted(written)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m koshiki.checker.docs DIRECTORY [--check]``."""
    parser = argparse.ArgumentParser(
        prog="python -m koshiki.checker.docs", description="規則の文書を生成する"
    )
    parser.add_argument("directory", type=Path, help="出力先（例: docs/rules）")
    parser.add_argument("--check", action="store_true", help="書き込まず、古いページがあれば終了コード 1")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_pages(args.directory)
        for name in stale:
            print(f"古いページ: {args.directory / name}", file=sys.stderr)
        if stale:
            print(f"再生成してください: {REGENERATE}", file=sys.stderr)
        return 1 if stale else 0
    written = write_docs(args.directory)
    print(f"{len(written)} ページを {args.directory} に書きました")
    return 0


if __name__ == "__main__":
    sys.exit(main())
