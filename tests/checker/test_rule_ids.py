"""The one committed table of rule ids (koshiki/checker/rule_ids.toml) against the rules and RULES.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from koshiki.checker.registry import ID_STATES, SUBJECTS, all_rules, catalogue

RULES_MD = Path(__file__).resolve().parents[3] / "shared" / "RULES.md"
TABLE_SUBJECTS = (*SUBJECTS, "media")


def test_every_registered_rule_has_its_line_in_the_table():
    missing = sorted(set(all_rules()) - set(catalogue()))
    assert not missing, f"add these ids to rule_ids.toml: {missing}"


def test_every_id_marked_implemented_is_registered_with_the_tables_subject():
    rules = all_rules()
    for entry in catalogue().values():
        assert entry.state in ID_STATES and entry.subject in TABLE_SUBJECTS
        if entry.state == "implemented":
            assert entry.id in rules, f"{entry.id} is marked implemented but no module registers it"
            assert rules[entry.id].subject == entry.subject, entry.id


def test_a_catalogued_id_is_one_no_module_registers_yet():
    """Catalogued but not implemented is fine (comment.* today); once a rule registers it, mark it implemented."""
    rules = all_rules()
    built = [e.id for e in catalogue().values() if e.state == "catalogued" and e.id in rules]
    assert not built, f"mark these implemented in rule_ids.toml: {built}"


def test_removed_ids_stay_in_the_table_and_are_never_reused():
    rules = all_rules()
    for entry in catalogue().values():
        if entry.state == "removed" and entry.id in rules:
            assert rules[entry.id].status == "removed", entry.id


@pytest.mark.skipif(not RULES_MD.exists(), reason="shared/RULES.md is not beside the checkout")
def test_the_table_lists_exactly_the_ids_of_rules_md_in_its_order():
    text = RULES_MD.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", text, flags=re.M)
    comments = re.findall(r"`(comment\.[a-z_]+)` \(\d+\)", text)
    assert list(catalogue()) == rows + comments


def test_family_helpers_are_named_one_way():
    """A family's shared code lives in ``rules/<family>/_<topic>.py``; ``__init__`` holds only its docstring,
    and a module that registers a rule is named after the rule (``pii/phone.py`` is ``pii.phone``)."""
    import ast

    import koshiki.checker.rules as package

    root = Path(package.__file__).parent
    for family in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("__")):
        init = ast.parse((family / "__init__.py").read_text(encoding="utf-8"))
        assert all(isinstance(n, ast.Expr) for n in init.body), f"{family.name}/__init__.py holds code"
        for module in family.glob("*.py"):
            registers = "@rule(" in module.read_text(encoding="utf-8")
            if module.name == "__init__.py":
                continue
            if module.name.startswith("_"):
                assert not registers, f"{module} is a helper module but registers a rule"
            else:
                assert registers and f"{family.name}.{module.stem}" in all_rules(), module
