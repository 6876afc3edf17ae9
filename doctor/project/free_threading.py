"""What a crate says and does about free-threaded CPython (3.13t, 3.14t), read from its files.

Where the project builds for a free-threaded interpreter (a CI workflow that names one, the
trove classifier), what its #[pymodule] declares with `gil_used`, and which lines lean on the
GIL (knowledge/threading.toml). Every read is bounded; nothing is run.
"""

from __future__ import annotations

import re
from pathlib import Path

from pyo3_doctor.kb.threading import GilReliance, reliances
from pyo3_doctor.project.loader import Project, table
from pyo3_doctor.project.rust.lines import matching_lines
from pyo3_doctor.project.rust.source import EntryPoint
from pyo3_doctor.system.files import read_text_bounded, source_files

# maturin-action's and setup-python's "3.14t", cibuildwheel's "cp314t" and its opt-in
FREE_THREADED_CI = re.compile(
    r"""(?<![\w.])(?:3\.1[3-9]t|cp31[3-9]t)(?![\w.])|cpython-freethreading|CIBW_FREE_THREADED_SUPPORT""",
    re.IGNORECASE,
)
CLASSIFIER = "Programming Language :: Python :: Free Threading"
GIL_USED = re.compile(r"\bgil_used\s*=\s*(true|false)\b")
CALLED = re.compile(r"\.gil_used\(\s*(true|false)\s*\)")
# a line kept out of free-threaded builds: the construct on the next line does not reach them
NOT_FREE_THREADED = re.compile(r"cfg\(\s*not\(\s*Py_GIL_DISABLED\s*\)\s*\)")


def claims(proj: Project) -> tuple[str, ...]:
    """Where the project says it builds for a free-threaded CPython: "file:line" or the
    classifier, project-relative."""
    assert proj.root is not None
    found = []
    workflows = proj.root / ".github" / "workflows"
    files = [*source_files(workflows, ".yml", limit=40), *source_files(workflows, ".yaml", 40)]
    for path in files[:40]:
        text = read_text_bounded(path, 256 << 10) or ""
        for number, line in enumerate(text.splitlines(), 1):
            if FREE_THREADED_CI.search(line) and not line.lstrip().startswith("#"):
                found.append(f"{path.relative_to(proj.root)}:{number}")
                break
    listed = table(proj.pyproject, "project").get("classifiers")
    if isinstance(listed, list) and any(str(c).startswith(CLASSIFIER) for c in listed):
        found.append(f"pyproject.toml classifier {CLASSIFIER!r}")
    return tuple(found)


def gil_declared(entry: EntryPoint) -> bool | None:
    """What the module declares (True: it needs the GIL), or None where it says nothing."""
    said = GIL_USED.search(entry.attr_text)
    if said:
        return said.group(1) == "true"
    text = read_text_bounded(entry.file, 2 << 20) or ""
    called = CALLED.search(text)
    return None if called is None else called.group(1) == "true"


def gil_patch(entry: EntryPoint) -> tuple[int, str, str] | None:
    """(line, old, new): `gil_used = false` added to a one-line #[pymodule] attribute."""
    if entry.kind not in ("fn", "mod") or entry.attr_line != entry.attr_end_line:
        return None
    lines = (read_text_bounded(entry.file, 2 << 20) or "").splitlines()
    if not 0 < entry.attr_line <= len(lines):
        return None
    old = lines[entry.attr_line - 1]
    new = re.sub(r"(#\[\s*(?:pyo3::)?pymodule)\s*\]", r"\1(gil_used = false)]", old, count=1)
    if new == old:
        new = re.sub(
            r"(#\[\s*(?:pyo3::)?pymodule\s*\((?:[^()]|\([^()]*\))*)\)\s*\]",
            r"\1, gil_used = false)]",
            old,
            count=1,
        )
    return None if new == old else (entry.attr_line, old, new)


def leaning_lines(src_root: Path) -> list[tuple[GilReliance, Path, int, str]]:
    """Lines that rely on the GIL, but for those a cfg(not(Py_GIL_DISABLED)) keeps out."""
    hits = matching_lines(src_root, reliances())
    kept = []
    for rule, path, number, line in hits:
        before = (read_text_bounded(path, 2 << 20) or "").splitlines()[max(0, number - 3) : number]
        if not any(NOT_FREE_THREADED.search(b) for b in before):
            kept.append((rule, path, number, line))
    return kept
