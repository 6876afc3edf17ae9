"""Unified diffs that show a proposed source change (shown only; applying is elsewhere)."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.version import Version

from pyo3_doctor.project.rust.source import EntryPoint
from pyo3_doctor.system.files import read_bytes_bounded

# `#[pymodule(name = "...")]` (options straight on the attribute) exists from this release.
PYMODULE_ARGS_SINCE = Version("0.22.2")


def unified_diff(shown: str, old: list[str], new: list[str], context: int = 3) -> str:
    """A unified diff of two versions of the file shown as `shown`, each line ending in a
    newline (a last line without one still ends the line it is shown on)."""
    import difflib  # only when there is a change to show

    lines = difflib.unified_diff(old, new, f"a/{shown}", f"b/{shown}", n=context)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _read(path: Path) -> list[str] | None:
    raw = read_bytes_bounded(path, 8 << 20)
    try:
        return None if raw is None else raw.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return None


def _lines(path: Path) -> list[str] | None:
    """The file's lines without their endings, split on "\n" only (as the scanner counts)."""
    raw = read_bytes_bounded(path, 8 << 20)
    try:
        text = None if raw is None else raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text is None:
        return None
    return [line.rstrip("\r") for line in text.split("\n")]


def rust_patch(entry: EntryPoint, new: str, pyo3: Version | None) -> tuple[int, str, str] | None:
    """The smallest edit that makes `entry` export PyInit_<new>: (line, old text, new text).

    One line is replaced; the new text holds two lines when an attribute is inserted after
    the `#[pymodule]` one. None when the source cannot be read or no edit is found.
    """
    lines = _lines(entry.file)
    if lines is None:
        return None

    def at(number: int) -> str | None:
        return lines[number - 1] if 0 < number <= len(lines) else None

    if entry.renamed and (line := at(entry.name_line)) is not None:
        return _changed(entry.name_line, line, line.replace(f'"{entry.name}"', f'"{new}"', 1))
    if entry.kind == "extern" and (line := at(entry.line)) is not None:
        return _changed(entry.line, line, line.replace(f"PyInit_{entry.name}", f"PyInit_{new}", 1))
    line, end = at(entry.attr_line), at(entry.attr_end_line)
    if line is None or end is None:
        return None
    args_ok = pyo3 is None or pyo3 >= PYMODULE_ARGS_SINCE
    if args_ok and entry.attr_line == entry.attr_end_line:
        if re.search(r"#\[\s*(pyo3::)?pymodule\s*\]", line):
            renamed = re.sub(
                r"(#\[\s*(?:pyo3::)?pymodule)\s*\]", rf'\1(name = "{new}")]', line, count=1
            )
            return _changed(entry.attr_line, line, renamed)
        if re.search(r"#\[\s*(pyo3::)?pymodule\s*\(", line):
            renamed = re.sub(
                r"(#\[\s*(?:pyo3::)?pymodule\s*\()", rf'\1name = "{new}", ', line, count=1
            )
            return _changed(entry.attr_line, line, renamed)
    indent = re.match(r"\s*", line).group(0)  # type: ignore[union-attr]
    return _changed(entry.attr_end_line, end, f'{end}\n{indent}#[pyo3(name = "{new}")]')


def _changed(number: int, old: str, new: str) -> tuple[int, str, str] | None:
    return (number, old, new) if old != new else None


def rust_rename(entry: EntryPoint, new: str, shown: str, pyo3: Version | None) -> str:
    """`rust_patch` as a unified diff."""
    patch = rust_patch(entry, new, pyo3)
    lines = _read(entry.file)
    if patch is None or lines is None:
        return ""
    number, _old, text = patch
    changed = list(lines)
    changed[number - 1 : number] = [part + "\n" for part in text.split("\n")]
    return unified_diff(shown, lines, changed, context=1).rstrip("\n")


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
            return unified_diff(shown, lines, changed, context=1).rstrip("\n")
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
    return unified_diff(shown, lines, changed, context=1).rstrip("\n")


def import_patch(file: Path, number: int, missing: str, built: str) -> tuple[int, str, str] | None:
    """The line of a package's Python file that imports `missing` (`pkg._core`), changed to
    import `built` (`pkg._native`), the module maturin builds: (line, old, new), or None when
    the line does not name the missing module as an import."""
    lines = _lines(file)
    if lines is None or not 0 < number <= len(lines) or "." not in built:
        return None
    old_leaf, new_leaf = missing.rsplit(".", 1)[-1], built.rsplit(".", 1)[-1]
    if missing.rsplit(".", 1)[0] != built.rsplit(".", 1)[0] or not new_leaf.isidentifier():
        return None
    line = lines[number - 1]
    package = re.escape(missing.rsplit(".", 1)[0])
    pattern = rf"(\b(?:from|import)\s+(?:\.|{package}\.)){re.escape(old_leaf)}\b"
    new = re.sub(pattern, rf"\g<1>{new_leaf}", line, count=1)
    return _changed(number, line, new)
