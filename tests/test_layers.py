"""The package's layers: every import of npf_screen code points down (or stays in its own layer).

The allowed-layers table below is the architecture (README, "Architecture"); a module that imports
a layer above its own, even inside a function, fails here with the file, line and import named.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "npf_screen"

#: Each layer and the layers it may import (besides itself). ``seeds`` is data; the root facade
#: (``npf_screen/__init__.py``) may import every layer.
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "universe": frozenset({"core"}),
    "rules": frozenset({"core", "universe"}),
    "screening": frozenset({"core", "universe", "rules"}),
    "sources": frozenset({"core", "universe"}),
    "fetch": frozenset({"core", "universe", "sources"}),
    "ml": frozenset({"core", "universe", "rules", "screening"}),
    "outputs": frozenset({"core", "universe", "rules", "screening", "ml"}),
    "runs": frozenset({"core", "universe", "rules", "screening", "fetch", "outputs"}),
    "cli": frozenset({"core", "universe", "rules", "screening", "sources", "fetch", "ml", "outputs", "runs"}),
}


def layer_of(module: str) -> str | None:
    """The layer of a dotted module name (``npf_screen.rules.model`` → ``rules``); None for the root."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def imported_modules(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every npf_screen module ``source`` imports (at any depth, relative ones resolved), with lines."""
    base = module.split(".") if is_package else module.split(".")[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "npf_screen"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                target = ".".join(base[: len(base) - node.level + 1] + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "npf_screen":
                continue
            if target == "npf_screen":  # `from npf_screen import x`: x may be a layer (a subpackage)
                found += [(node.lineno, f"npf_screen.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, target))
    return found


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """The upward (or unknown-layer) imports of one module, as ``line: importer -> imported``."""
    own = layer_of(module)
    if own is None:  # the root facade
        return []
    out = []
    for line, target in imported_modules(source, module, is_package):
        theirs = layer_of(target)
        if theirs == own:
            continue
        if theirs is None or theirs not in ALLOWED or theirs not in ALLOWED.get(own, frozenset()):
            out.append(f"{line}: {module} imports {target} ({own} may import {sorted(ALLOWED.get(own, ()))})")
    return out


def package_modules() -> list[tuple[Path, str]]:
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.append((path, ".".join(parts)))
    return modules


def test_every_layer_is_in_the_table() -> None:
    layers = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert layers - {"seeds"} <= set(ALLOWED), layers - set(ALLOWED)
    assert not [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"], "modules outside a layer"


#: Known upward imports being removed, each strict (the test fails once the import is gone, so the
#: entry must go too).
PENDING: dict[str, str] = {}


def _params() -> list[object]:
    return [
        pytest.param(p, m, marks=pytest.mark.xfail(strict=True, reason=PENDING[m]))
        if m in PENDING
        else (p, m)
        for p, m in package_modules()
    ]


@pytest.mark.parametrize("path,module", _params(), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_imports_point_down(path: Path, module: str) -> None:
    assert violations(path.read_text(encoding="utf-8"), module, path.name == "__init__.py") == []


def test_an_upward_import_fails() -> None:
    """The checker itself: an upward import, even inside a function or relative, is caught."""
    inside_function = "def f():\n    from npf_screen.screening.engine import screen\n"
    assert violations(inside_function, "npf_screen.fetch.companies") == [
        "2: npf_screen.fetch.companies imports npf_screen.screening.engine "
        "(fetch may import ['core', 'sources', 'universe'])"
    ]
    relative = "from ..outputs import display\n"
    assert len(violations(relative, "npf_screen.screening.results")) == 1
    root = "from npf_screen import __version__\n"
    assert len(violations(root, "npf_screen.outputs.report")) == 1
    assert violations("from npf_screen.core.errors import RuleError\n", "npf_screen.rules.loader") == []
    assert violations("from . import model\n", "npf_screen.rules", is_package=True) == []


def test_subpackages_only_document() -> None:
    """A layer's __init__ holds its docstring, not re-exports: one import path per public name."""
    for init in PACKAGE.glob("*/**/__init__.py"):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        body = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        assert ast.get_docstring(tree), f"{init}: missing the layer docstring"
        assert body == [], f"{init}: only a docstring belongs here"


def test_no_import_cycles() -> None:
    """No two modules import each other, directly or through others (imports inside functions count)."""
    graph: dict[str, set[str]] = {}
    modules = dict((m, p) for p, m in package_modules())
    for module, path in modules.items():
        deps = set()
        for _, target in imported_modules(
            path.read_text(encoding="utf-8"), module, path.name == "__init__.py"
        ):
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target not in (module, "npf_screen"):
                deps.add(target)
        graph[module] = deps
    cycles = [m for m in graph if _reaches(graph, m, m)]
    assert cycles == [], f"modules on an import cycle: {cycles}"


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False
