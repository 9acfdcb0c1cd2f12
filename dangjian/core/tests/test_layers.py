"""Which way imports run (docs/architecture.md): a check in the style of import-linter.

``core`` imports no app; the base apps import only the layers below them; the ledger imports
the base apps; a workflow module imports the base apps and, from the ledger, only its door
(``dangjian.ledger.door``) — never another workflow module. Tests are exempt (they build worlds).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]  # dangjian/

# The probes below write a file into the source tree that the other tests here read: one worker runs them
# all, one after another (make test's --dist loadgroup).
pytestmark = pytest.mark.xdist_group("layers_source_tree")

# Layer → the dangjian packages its non-test code may import (besides itself).
BASE = {
    "core": set(),
    "orgs": {"core"},
    "accounts": {"core", "orgs"},
    "notices": {"core", "orgs", "accounts"},
    "ledger": {"core", "orgs", "accounts", "notices"},
    "indicators": {"core", "orgs", "accounts"},
}
WORKFLOW_MAY_IMPORT = {"core", "orgs", "accounts", "notices", "ledger.door"}


def _apps() -> list[str]:
    return sorted(p.parent.name for p in PACKAGE.glob("*/apps.py"))


def _imports(path: Path, app: str) -> set[str]:
    """Every ``dangjian.…`` module that a file imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["dangjian", *path.relative_to(PACKAGE).parent.parts]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # "from dangjian.ledger import door" imports the door, not all of the ledger.
            found.update(f"{module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "get_model" and node.args:
            # apps.get_model("orgs", "Organisation") is an import in disguise.
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(f"dangjian.{first.value.split('.')[0]}.models")
    return {m for m in found if m.startswith("dangjian.")}


def _violations(app: str) -> list[str]:
    allowed = BASE.get(app)
    problems = []
    for path in (PACKAGE / app).rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        for module in _imports(path, app):
            parts = module.split(".")
            target = parts[1]
            if target == app or target in ("settings",):
                continue
            if allowed is not None:
                ok = target in allowed
            else:
                ok = target in WORKFLOW_MAY_IMPORT or ".".join(parts[1:3]) in WORKFLOW_MAY_IMPORT
            if not ok:
                problems.append(f"{rel} imports {module}")
    return sorted(set(problems))


@pytest.mark.parametrize("app", _apps())
def test_imports_run_one_way(app):
    assert not _violations(app), "\n".join(_violations(app))


def test_the_checker_finds_a_workflow_module_reaching_into_ledger_internals(tmp_path, monkeypatch):
    bad = PACKAGE / "talks" / "_layer_probe.py"
    bad.write_text(
        "from dangjian.ledger.models import Item\nfrom dangjian.ledger import door\n", encoding="utf-8"
    )
    try:
        assert _violations("talks") == ["talks/_layer_probe.py imports dangjian.ledger.models.Item"]
    finally:
        bad.unlink()


def test_the_checker_sees_through_get_model():
    # A probe file of its own: the tests of this module may run at once on two workers.
    bad = PACKAGE / "core" / "_layer_probe_get_model.py"
    bad.write_text(
        "from django.apps import apps\nOrg = apps.get_model('orgs', 'Organisation')\n", encoding="utf-8"
    )
    try:
        assert "core/_layer_probe_get_model.py imports dangjian.orgs.models" in _violations("core")
    finally:
        bad.unlink()


def test_the_checker_finds_core_importing_an_app():
    bad = PACKAGE / "core" / "_layer_probe.py"
    bad.write_text("import dangjian.orgs.models\n", encoding="utf-8")
    try:
        assert "core/_layer_probe.py imports dangjian.orgs.models" in _violations("core")
    finally:
        bad.unlink()
