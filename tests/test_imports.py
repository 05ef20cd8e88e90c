"""The import rule, `cli -> assets -> pipeline -> etl, warehouse -> schemas`, read from every module's source.

Imports are read with `ast` (not by importing), so an import inside a function or under `TYPE_CHECKING`
counts as well: a layer that reaches upwards even once is named with the module and the line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.paths import REPO_ROOT

__all__: list[str] = []

_PROJECT = frozenset({"etl", "sandbox", "schemas", "warehouse", "assets", "cli", "pipeline", "dashboard"})

# What each package must never import (its own name is always allowed).
_FORBIDDEN: dict[str, frozenset[str]] = {
    "etl": frozenset({"dagster", "warehouse", "assets", "cli", "sandbox", "pipeline", "dashboard"}),
    "warehouse": _PROJECT - {"schemas", "warehouse"},
    "schemas": _PROJECT - {"schemas"},
    "sandbox": frozenset({"etl", "warehouse", "assets", "cli", "pipeline", "dashboard"}),
    "pipeline": frozenset({"dagster", "assets", "cli", "sandbox", "dashboard"}),
    "assets": frozenset({"cli", "dashboard"}),
    # The dashboard reads the published copy through the warehouse's API and nothing else.
    "dashboard": _PROJECT - {"warehouse", "schemas", "dashboard"},
}


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(path: Path, module: str) -> Iterator[tuple[int, str]]:
    """Every module `path` imports, absolute, with its line (relative imports resolved against `module`)."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                yield node.lineno, ".".join([*base, *([node.module] if node.module else [])])
            else:
                yield node.lineno, node.module or ""


def _violations(root: Path, package: str) -> list[str]:
    found: list[str] = []
    for path in sorted((root / package).rglob("*.py")):
        module = _module_name(root, path)
        for line, name in _imported(path, module):
            if name.split(".")[0] in _FORBIDDEN[package]:
                found.append(f"{module} (line {line}) imports {name}")
    return found


@pytest.mark.parametrize("package", sorted(_FORBIDDEN))
def test_package_imports_nothing_above_its_layer(package: str) -> None:
    assert (REPO_ROOT / package).is_dir(), f"package {package} is missing"
    assert _violations(REPO_ROOT, package) == []


def test_a_violation_names_the_module_the_line_and_the_import(tmp_path: Path) -> None:
    (tmp_path / "etl" / "acquire").mkdir(parents=True)
    (tmp_path / "etl" / "__init__.py").write_text("")
    (tmp_path / "etl" / "acquire" / "__init__.py").write_text("")
    (tmp_path / "etl" / "acquire" / "_x.py").write_text(
        "import json\nfrom etl.sat import Fiel\n\ndef f() -> None:\n    from warehouse import load\n"
    )
    assert _violations(tmp_path, "etl") == ["etl.acquire._x (line 5) imports warehouse"]


def test_relative_imports_are_read_as_the_absolute_names_they_stand_for(tmp_path: Path) -> None:
    # The sandbox imports its own modules relatively: those must not be mistaken for the library.
    (tmp_path / "sandbox" / "corpus").mkdir(parents=True)
    (tmp_path / "sandbox" / "corpus" / "__init__.py").write_text("from ._plan import x\n")
    (tmp_path / "sandbox" / "corpus" / "_plan.py").write_text("from ._draw import d\nfrom .. import etl\n")
    assert _violations(tmp_path, "sandbox") == []
    plan = tmp_path / "sandbox" / "corpus" / "_plan.py"
    assert {name for _, name in _imported(plan, "sandbox.corpus._plan")} == {
        "sandbox.corpus._draw",
        "sandbox",
    }
    init = tmp_path / "sandbox" / "corpus" / "__init__.py"
    assert {name for _, name in _imported(init, "sandbox.corpus")} == {"sandbox.corpus._plan"}
