"""Every action code any module records has a Japanese name, given by the app that records it.

The code is read, not imported: each ``record_event(...)`` call in ``koshiki/``
is found with ``ast`` and its action argument resolved to the codes it can
take (a string; an f-string over a known family such as the lifecycle steps'
``account.<kind>``; a parameter of the enclosing function, resolved from that
function's calls in the same module). A call whose code cannot be resolved
fails the test too, so a new way of recording cannot slip past it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

import koshiki
from koshiki.audit.labels import UNNAMED_ACTION, action_label, action_labels, action_name
from koshiki.registry.lifecycle import KINDS

ROOT = Path(koshiki.__file__).parent
# f-string codes: their fixed start and every value the rest can take.
FAMILIES = {"account.": {f"account.{kind}" for kind in KINDS}}


def _name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _action_arg(call: ast.Call) -> ast.expr | None:
    if len(call.args) > 1:
        return call.args[1]
    return next((k.value for k in call.keywords if k.arg == "action"), None)


def _enclosing_functions(tree: ast.AST) -> dict[ast.Call, ast.FunctionDef]:
    owner: dict[ast.Call, ast.FunctionDef] = {}
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(func):
                if isinstance(node, ast.Call):
                    owner[node] = func  # the innermost wins: inner functions are walked later
    return owner


def _from_parameter(tree: ast.AST, func: ast.FunctionDef, param: str, where: str) -> set[str]:
    """The string constants passed for ``param`` at every call of ``func`` in the same module."""
    names = [a.arg for a in func.args.args]
    index = names.index(param)
    codes: set[str] = set()
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _name(n.func) == func.name]
    assert calls, f"{where}: {func.name}() records the action {param!r} but is never called in its module"
    for call in calls:
        value = call.args[index] if len(call.args) > index else None
        value = value or next((k.value for k in call.keywords if k.arg == param), None)
        assert isinstance(value, ast.Constant) and isinstance(value.value, str), (
            f"{where}: a call of {func.name}() passes {param!r} as something other than a string"
        )
        codes.add(value.value)
    return codes


def recorded_codes() -> dict[str, set[str]]:
    """{app label: every action code its modules record}."""
    found: dict[str, set[str]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in ("audit",) or "migrations" in rel.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        owners = _enclosing_functions(tree)
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and _name(call.func) == "record_event"):
                continue
            where = f"{rel}:{call.lineno}"
            arg = _action_arg(call)
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                codes = {arg.value}
            elif isinstance(arg, ast.JoinedStr):
                head = arg.values[0]
                prefix = head.value if isinstance(head, ast.Constant) else ""
                assert prefix in FAMILIES, f"{where}: say in FAMILIES which codes f'{prefix}…' can be"
                codes = FAMILIES[prefix]
            elif (
                isinstance(arg, ast.IfExp)
                and isinstance(arg.body, ast.Constant)
                and isinstance(arg.orelse, ast.Constant)
            ):
                codes = {arg.body.value, arg.orelse.value}
            elif isinstance(arg, ast.Name) and call in owners:
                codes = _from_parameter(tree, owners[call], arg.id, where)
            else:
                raise AssertionError(f"{where}: the action code cannot be read from the source")
            found.setdefault(rel.parts[0], set()).update(codes)
    return found


def test_every_recorded_action_code_has_a_japanese_name_from_the_app_that_records_it():
    found = recorded_codes()
    assert sum(len(codes) for codes in found.values()) > 80
    assert {"posts", "registry", "incidents", "comments", "home"} <= set(found)
    labels = action_labels()
    for app, codes in sorted(found.items()):
        config = apps.get_app_config(app)
        own = getattr(config, "audit_actions", None) or {}
        missing = sorted(codes - set(own))
        assert not missing, f"koshiki/{app}/apps.py: audit_actions has no Japanese name for {missing}"
        for code in codes:
            assert labels[code].strip() and not labels[code].isascii(), (code, labels[code])


def test_the_scan_resolves_codes_passed_through_a_helper_and_an_f_string():
    found = recorded_codes()
    assert {"posts.media.attach", "posts.media.clean", "posts.media.record"} <= found["posts"]
    assert {"account.approve", "account.register"} & found["registry"]


def test_no_two_apps_give_one_code_different_names():
    seen: dict[str, tuple[str, str]] = {}
    for config in apps.get_app_configs():
        for code, label in (getattr(config, "audit_actions", None) or {}).items():
            if code in seen:
                assert seen[code][1] == label, (code, seen[code], config.label)
            seen[code] = (config.label, label)


def test_staff_pages_never_show_a_code_even_for_an_unnamed_one():
    assert action_name("account.approve") == action_label("account.approve") == "承認"
    assert action_name("registry.some_future_code") == UNNAMED_ACTION
    assert action_label("registry.some_future_code") == "registry.some_future_code"
