"""`pipeline.Settings` is the one place that reads a `CFDI_ETL_*` setting from the environment.

Every module of the project is read with `ast` (not imported): a `CFDI_ETL_*` name (written out, or a module
constant holding it) given to `os.environ[...]`, `.get(...)`, `os.getenv(...)`, `... in os.environ`, to a
helper together with the environment (`_number(env, "CFDI_ETL_X")`) or to a click option's `envvar=` is a
read of the environment. Outside `pipeline/_settings.py` only the reads in
`_ALLOWED` may exist, each with the reason it is not a setting.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.paths import REPO_ROOT

__all__: list[str] = []

_PACKAGES = ("assets", "bench", "cli", "dashboard", "etl", "pipeline", "sandbox", "schemas", "warehouse")
_SETTINGS_MODULE = Path("pipeline/_settings.py")
_PREFIX = "CFDI_ETL_"

_ALLOWED: dict[tuple[str, str], str] = {
    # Secrets, not settings: read at the moment a key is opened to sign, never stored, never in a repr.
    ("cli/sat.py", "CFDI_ETL_FIEL_PASSWORD"): "the manual command's e.firma password (else a hidden prompt)",
    (
        "cli/sandbox.py",
        "CFDI_ETL_FIEL_PASSWORD",
    ): "the password of a test e.firma being issued (else a prompt)",
    # Options of the manual `cfdi-etl sat` commands (click reads the variable as the option's fallback and
    # --help names it): where one e.firma is for one command, not a setting of the pipeline.
    ("cli/sat.py", "CFDI_ETL_FIEL_CER"): "the --cer option's fallback",
    ("cli/sat.py", "CFDI_ETL_FIEL_KEY"): "the --key option's fallback",
    # How `cfdi-etl dashboard` (which read the settings) tells its Streamlit process which file to show; the
    # dashboard may import nothing but the warehouse (tests/test_imports.py), so it cannot read Settings.
    ("dashboard/_fuente.py", "CFDI_ETL_DASHBOARD_WAREHOUSE"): "a hand-over between two processes",
}


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level `NAME = "CFDI_ETL_..."` (with or without annotation)."""
    found: dict[str, str] = {}
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if (
            isinstance(value, ast.Constant)
            and isinstance(value.value, str)
            and value.value.startswith(_PREFIX)
        ):
            found.update({t.id: value.value for t in targets if isinstance(t, ast.Name)})
    return found


def _name(node: ast.expr | None, constants: dict[str, str]) -> str | None:
    """The `CFDI_ETL_*` variable `node` stands for, if any."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(_PREFIX):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id in {"environ", "env", "environment"}
    )


def _reads(source: bytes, filename: str) -> Iterator[tuple[int, str]]:
    """Every read of a `CFDI_ETL_*` variable in the source, with its line."""
    tree = ast.parse(source, filename=filename)
    constants = _constants(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            is_get = isinstance(function, ast.Attribute) and function.attr in {"get", "getenv", "pop"}
            if is_get and node.args and (name := _name(node.args[0], constants)):
                yield node.lineno, name
            elif any(_is_environ(a) for a in node.args):  # a helper handed the environment and a name
                yield from ((node.lineno, n) for a in node.args if (n := _name(a, constants)))
            for keyword in node.keywords:
                if keyword.arg == "envvar" and (name := _name(keyword.value, constants)):
                    yield node.lineno, name
            continue
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            name = _name(node.slice, constants)
        elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
            name = _name(node.left, constants)
        else:
            continue
        if name:
            yield node.lineno, name


def _violations(root: Path) -> list[str]:
    found = []
    for package in _PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if relative == _SETTINGS_MODULE:
                continue
            for line, name in _reads(path.read_bytes(), str(path)):
                if (relative.as_posix(), name) not in _ALLOWED:
                    found.append(f"{relative} (line {line}) reads {name}")
    return found


def test_no_module_but_the_settings_module_reads_a_setting_from_the_environment() -> None:
    assert _violations(REPO_ROOT) == []


def test_every_allowed_read_still_exists_so_the_list_says_only_what_is_true() -> None:
    reads = {
        (path.relative_to(REPO_ROOT).as_posix(), name)
        for package in _PACKAGES
        for path in (REPO_ROOT / package).rglob("*.py")
        for _, name in _reads(path.read_bytes(), str(path))
    }
    assert set(_ALLOWED) - reads == set()


def test_each_way_of_reading_the_environment_is_found(tmp_path: Path) -> None:
    source = (
        "import os\n"
        "import click\n"
        'HOME = "CFDI_ETL_HOME"\n'
        'a = os.environ.get("CFDI_ETL_A")\n'
        'b = os.environ["CFDI_ETL_B"]\n'
        'c = os.getenv("CFDI_ETL_C")\n'
        'd = "CFDI_ETL_D" in os.environ\n'
        "e = os.environ.get(HOME)\n"
        'f = click.option("--x", envvar="CFDI_ETL_F")\n'
        "def g(env: dict[str, str]) -> str:\n"
        '    return env.get("CFDI_ETL_G", "") + number(os.environ, "CFDI_ETL_I")\n'
        'h = {**os.environ, "CFDI_ETL_H": "1"}  # handing a variable to a child process reads nothing\n'
    )
    assert sorted(_reads(source.encode(), "x.py")) == [
        (4, "CFDI_ETL_A"),
        (5, "CFDI_ETL_B"),
        (6, "CFDI_ETL_C"),
        (7, "CFDI_ETL_D"),
        (8, "CFDI_ETL_HOME"),
        (9, "CFDI_ETL_F"),
        (11, "CFDI_ETL_G"),
        (11, "CFDI_ETL_I"),
    ]
