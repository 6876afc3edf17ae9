"""Helpers for the fix tests: rich-format fixture projects and a line-by-line comparison."""

from __future__ import annotations

import difflib
from pathlib import Path

from support import REPO, clean_env, finding_ids, report_of, run_cli

from pyo3_doctor.context import Context
from pyo3_doctor.model import FixStep

__all__ = ["REPO", "clean_env", "finding_ids", "report_of", "run_cli"]


def context(root: Path) -> Context:
    return Context.from_process(env=clean_env(), cwd=str(root), project_dir=str(root))


def edit(file: str, key: str, value: str) -> FixStep:
    return FixStep("edit", edit={"file": file, "key": key, "value": value})


def patch(line: int, old: str, new: str, file: str = "src/lib.rs") -> FixStep:
    return FixStep("patch", patch={"file": file, "line": str(line), "old": old, "new": new})


# Comments everywhere, blank lines, literal and basic strings, an inline table, a multi-line
# array with a trailing comma: everything tomlkit has to carry through untouched.
PYPROJECT = """\
# pyproject for the demo   (a comment before anything)

[build-system]   # the backend
requires = [
    "maturin>=1.0,<2.0",  # pinned on purpose
]
build-backend = 'maturin'

[project]
name = "demo"
version = '0.1.0'   # single quotes
authors = [ { name = "A. Person", email = 'a@example.org' } ]
description = '''multi
line "literal"'''

[tool.maturin]
# where the module goes
module-name = 'wrong'   # the key the fix edits
features = ["pyo3/extension-module"]

[tool.ruff]   # another tool, kept as is
line-length = 100
"""

CARGO = """\
# Cargo manifest
[package]
name    = "demo"          # aligned
version = "0.1.0"
edition = '2021'

[lib]
# the library
name = "{lib}"     # the crate's lib name
crate-type = [ "cdylib",   ]

[dependencies]
pyo3 = {{ version = "0.27", features = [ "abi3-py39" ] }}   # inline table

# trailing comment
"""

CARGO_INLINE_LIB = """\
lib = {{ name = "{lib}", crate-type = ["cdylib"] }}   # inline table form

[package]
name = "demo"
version = "0.1.0"
edition = "2021"
"""

LIB_RS = """\
// The extension.
use pyo3::prelude::*;

/// Doubles.
#[pyfunction]
fn double(x: i64) -> i64 {
    x * 2 // twice
}

#[pymodule]
fn demo(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(double, m)?)
}
"""


def mismatch_project(root: Path, form: str, crlf: bool = False) -> Path:
    """A project whose module name does not match `fn demo`: form "lib-name" sets
    `[lib] name = "wrong"`, form "module-name" sets `[tool.maturin] module-name`."""
    root.mkdir(parents=True)
    (root / "src").mkdir()
    pyproject = PYPROJECT
    if form == "lib-name":  # no module-name: maturin takes [lib] name
        pyproject = pyproject.replace("module-name = 'wrong'   # the key the fix edits\n", "")
    cargo = CARGO.format(lib="wrong" if form == "lib-name" else "demo")
    files = {"pyproject.toml": pyproject, "Cargo.toml": cargo, "src/lib.rs": LIB_RS}
    for name, text in files.items():
        data = text.replace("\n", "\r\n") if crlf else text
        (root / name).write_bytes(data.encode("utf-8"))
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def changed_lines(before: bytes, after: bytes) -> tuple[list[str], list[str]]:
    """(removed, added) lines, endings included, so a CRLF turned LF counts as a change."""
    old = before.decode("utf-8").splitlines(keepends=True)
    new = after.decode("utf-8").splitlines(keepends=True)
    removed, added = [], []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += old[i1:i2]
            added += new[j1:j2]
    return removed, added
