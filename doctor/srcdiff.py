"""Unified diffs that show a proposed source change (shown only; applying is elsewhere)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from packaging.version import Version

from doctor.rustsrc import EntryPoint

# `#[pymodule(name = "...")]` (options straight on the attribute) exists from this release.
PYMODULE_ARGS_SINCE = Version("0.22.2")


def _diff(path: Path, shown: str, old: list[str], new: list[str]) -> str:
    lines = difflib.unified_diff(old, new, f"a/{shown}", f"b/{shown}", n=1)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines).rstrip("\n")


def _read(path: Path) -> list[str] | None:
    try:
        return path.read_text(encoding="utf-8").splitlines(keepends=True)
    except (OSError, UnicodeDecodeError):
        return None


def rust_rename(entry: EntryPoint, new: str, shown: str, pyo3: Version | None) -> str:
    """The smallest edit that makes `entry` export PyInit_<new>."""
    lines = _read(entry.file)
    if lines is None:
        return ""
    changed = list(lines)
    if entry.renamed and 0 < entry.name_line <= len(lines):
        line = lines[entry.name_line - 1]
        changed[entry.name_line - 1] = line.replace(f'"{entry.name}"', f'"{new}"', 1)
    elif entry.kind == "extern" and 0 < entry.line <= len(lines):
        line = lines[entry.line - 1]
        changed[entry.line - 1] = line.replace(f"PyInit_{entry.name}", f"PyInit_{new}", 1)
    elif 0 < entry.attr_end_line <= len(lines):
        line = lines[entry.attr_line - 1]
        indent = re.match(r"\s*", line).group(0)  # type: ignore[union-attr]
        args_ok = pyo3 is None or pyo3 >= PYMODULE_ARGS_SINCE
        single = entry.attr_line == entry.attr_end_line
        if args_ok and single and re.search(r"#\[\s*(pyo3::)?pymodule\s*\]", line):
            changed[entry.attr_line - 1] = re.sub(
                r"(#\[\s*(?:pyo3::)?pymodule)\s*\]", rf'\1(name = "{new}")]', line, count=1
            )
        elif args_ok and single and re.search(r"#\[\s*(pyo3::)?pymodule\s*\(", line):
            changed[entry.attr_line - 1] = re.sub(
                r"(#\[\s*(?:pyo3::)?pymodule\s*\()", rf'\1name = "{new}", ', line, count=1
            )
        else:
            changed.insert(entry.attr_end_line, f'{indent}#[pyo3(name = "{new}")]\n')
    return _diff(entry.file, shown, lines, changed)


def toml_set(path: Path, shown: str, dotted_key: str, literal: str) -> str:
    """A diff setting `dotted_key = literal` in a TOML file, by lines (tables as written)."""
    lines = _read(path) or []
    *tables, key = dotted_key.split(".")
    header = f"[{'.'.join(tables)}]" if tables else ""
    changed = list(lines)
    current, insert_at = "", None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            if current == header and insert_at is None:
                insert_at = i
            current = stripped.split("#")[0].strip()
            continue
        if current == header and re.match(rf"{re.escape(key)}\s*=", stripped):
            changed[i] = f"{key} = {literal}\n"
            return _diff(path, shown, lines, changed)
    new_line = f"{key} = {literal}\n"
    if current == header and insert_at is None:
        insert_at = len(lines)
    if insert_at is not None:
        while insert_at > 0 and not lines[insert_at - 1].strip():
            insert_at -= 1
        changed.insert(insert_at, new_line)
    else:
        if changed and not changed[-1].endswith("\n"):
            changed[-1] += "\n"
        changed += ["\n", f"{header}\n", new_line]
    return _diff(path, shown, lines, changed)
