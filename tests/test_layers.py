"""The import structure: the apps form floors, and no import runs up them.

Read from the import statements themselves (``ast``), so a deferred import
inside a function or under ``TYPE_CHECKING`` counts like any other. The
floors, from the ground up:

- ground: the checker (no Django at all) and the helpers every app may use: ``actors``,
  ``errors``, ``fiscal``, ``workdays``, ``identifiers`` (login IDs and handles), ``ui`` (view helpers, form fields,
  template tags, base templates);
- ``org``: municipalities, units, role assignments and role resolution;
- ``audit``: the hash-chained trail (it names no app's actions: each app's
  ``AppConfig`` does); ``citysettings``: each city's settings over its profile;
- ``registry``: official accounts and their lifecycle; ``security``: the staff's
  second factor and idle timeout;
- the capabilities built on accounts: ``posts``, ``campaigns``, ``api``,
  ``directory``, ``people`` (and comments, incidents, documents, duties
  when they land);
- ``home``: the staff home page, sign-in and the menu;
- ``web``: the project package, which only wires (settings, URLs, WSGI).

Apps on one floor may import each other, but never in a circle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import koshiki

ROOT = Path(koshiki.__file__).parent

FLOORS: list[set[str]] = [
    {"checker", "media", "actors", "errors", "fiscal", "workdays", "ui", "identifiers"},
    {"org"},
    {"audit", "notify", "citysettings"},
    {"registry", "security"},
    {
        "attachments",
        "posts",
        "campaigns",
        "api",
        "directory",
        "people",
        "selfcheck",
        "comments",
        "incidents",
        "documents",
        "duties",
        "committees",
    },  # fmt: skip
    {"home", "ops"},
    {"web"},
]
FLOOR = {name: level for level, names in enumerate(FLOORS) for name in names}
MAX_ACTIONS_LINES = 600


def _package_of(module: str) -> str | None:
    """``koshiki.posts.actions.drafts`` -> ``posts``; None outside koshiki."""
    parts = module.split(".")
    if parts[0] != "koshiki" or len(parts) < 2:
        return None
    return parts[1]


def _imports() -> list[tuple[Path, str, str, bool]]:
    """(file, its package, imported package, inside a function) for every import of a koshiki module."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        own = rel.parts[0].removesuffix(".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nested: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                nested |= {id(n) for n in ast.walk(node) if n is not node}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:  # relative: stays inside the package
                    continue
                names = [node.module or ""]
                if node.module == "koshiki":
                    names = [f"koshiki.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                target = _package_of(name)
                if target is not None and target != own:
                    found.append((rel, own, target, id(node) in nested))
    return found


def test_every_package_has_a_floor():
    packages = {p.name.removesuffix(".py") for p in ROOT.iterdir() if not p.name.startswith("__")}
    packages = {p for p in packages if (ROOT / p).is_dir() or (ROOT / f"{p}.py").exists()}
    assert packages <= set(FLOOR), sorted(packages - set(FLOOR))


def test_no_import_runs_up_the_floors():
    upward = [
        f"{path}: {own} (floor {FLOOR[own]}) imports {target} (floor {FLOOR[target]})"
        for path, own, target, _ in _imports()
        if FLOOR[target] > FLOOR[own]
    ]
    assert not upward, "\n".join(upward)


def test_no_function_level_import_across_packages():
    hidden = [f"{path}: imports {target} inside a function" for path, _, target, inner in _imports() if inner]
    assert not hidden, "\n".join(hidden)


def test_apps_on_one_floor_import_each_other_without_a_cycle():
    graph: dict[str, set[str]] = defaultdict(set)
    for _, own, target, _ in _imports():
        graph[own].add(target)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(a for a in list(graph) if reaches(a, a, {a}))
    assert not cycles, f"import cycle through {cycles}"


def test_the_checker_and_the_ground_import_no_app():
    ground = FLOORS[0]
    offenders = [
        f"{path} imports {target}"
        for path, own, target, _ in _imports()
        if own in ground and target not in ground
    ]
    assert not offenders, "\n".join(offenders)


def test_no_actions_module_outgrows_six_hundred_lines():
    modules = [*ROOT.glob("*/actions.py"), *ROOT.glob("*/actions/*.py")]
    assert modules
    long = {
        str(p.relative_to(ROOT)): n
        for p in modules
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_ACTIONS_LINES
    }
    assert not long, long


def test_importing_the_checker_leaves_django_unloaded():
    code = (
        "import sys\n"
        "import koshiki.checker as c\n"
        "c.check('担当の携帯 090-1234-5678 までご連絡ください。', 'kyoto')\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(len(loaded), loaded[:3])\n"
    )
    env_free = {"PYTHONPATH": str(ROOT.parent)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=env_free,
        cwd=ROOT.parent,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("0 "), out.stdout


def test_every_app_has_its_own_test_folder():
    tests = Path(__file__).parent
    apps = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists() and p.name != "ui"}
    missing = sorted(app for app in apps if not any((tests / app).glob("test_*.py")))
    assert not missing, f"no tests/<app>/test_*.py for {missing}"
