"""The layout: packages named for the jobs, arrows that run one way, no import circle.

Imports are read from the source (lazy imports inside functions included), so a circle that only
closes at run time is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import trackmeta

SOURCE = Path(trackmeta.__file__).resolve().parent
CORE = {"findings", "rules", "settings", "escape", "identity", "limits", "cache", "resources", "words",
        "characters", "sidefiles",
        "_version"}
# Which packages each package may import (core is open to all); cli and the package root may
# import everything.
MAY_IMPORT = {
    "core": set(),
    "io": set(),
    "specs": set(),
    "ontology": {"specs"},
    "checking": {"io", "specs", "ontology", "render"},
    "request": {"io", "specs", "ontology"},
    "curation": {"checking", "io", "specs", "ontology"},
    "render": set(),
}


def _module_name(path: Path) -> str:
    parts = ["trackmeta", *path.relative_to(SOURCE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(SOURCE.rglob("*.py"))}


def _typing_only(tree: ast.Module) -> set[int]:
    """The ids of import nodes under `if TYPE_CHECKING:`: names for annotations, never run."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    return skipped


def _imports(module: str, typing: bool) -> set[str]:
    """The trackmeta modules `module` imports anywhere in its source (in functions too); with
    `typing` False, less the names imported for annotations only."""
    found: set[str] = set()
    tree = ast.parse(MODULES[module].read_text())
    typing_only = set() if typing else _typing_only(tree)
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("trackmeta"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("trackmeta"):
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                found.add(name if name in MODULES else node.module)
    return {m for m in found if m in MODULES and m != module}


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return "root"
    if parts[1] in CORE:
        return "core"
    return parts[1]


GRAPH = {m: _imports(m, typing=True) for m in MODULES}  # circles: every import counts
ARROWS = {m: _imports(m, typing=False) for m in MODULES}  # layers: what runs


def test_at_most_twelve_modules_beside_the_packages() -> None:
    top = [p.stem for p in SOURCE.glob("*.py") if p.stem not in ("__init__", "__main__", "_version")]
    assert len(top) <= 12, sorted(top)
    assert set(top) <= CORE, sorted(set(top) - CORE)


def test_no_import_circle() -> None:
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = [*path[path.index(module):], module]
            pytest.fail("import circle: " + " -> ".join(cycle))
        if module in done:
            return
        for imported in sorted(GRAPH[module]):
            if imported != "trackmeta":  # the package root re-exports; nothing imports it back
                visit(imported, [*path, module])
        done.add(module)

    for module in sorted(GRAPH):
        visit(module, [])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_arrows_run_one_way(module: str) -> None:
    """cli -> jobs (checking, request, curation) -> io, specs, ontology, render -> core."""
    layer = _layer(module)
    if layer in ("root", "cli"):
        return
    wrong = sorted(m for m in ARROWS[module]
                   if _layer(m) not in ("core", layer) and _layer(m) not in MAY_IMPORT[layer])
    assert not wrong, f"{module} ({layer}) may not import {wrong}"


@pytest.mark.parametrize("package", sorted({p.parent.name for p in SOURCE.glob("*/*.py")}))
def test_each_package_says_what_it_holds_and_may_import(package: str) -> None:
    init = SOURCE / package / "__init__.py"
    assert init.is_file(), f"trackmeta/{package}/ is a namespace package: no __init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text()))
    assert doc, f"trackmeta/{package}/__init__.py has no docstring"
    assert "May import" in doc, f"trackmeta/{package}/__init__.py does not say what it may import"
