"""Lines of a crate's sources that rules' patterns match, with file and line number.

Read as the upgrade planner and the free-threading check need them: every .rs file under the
crate's source folder (bounded: 400 files, 2 MiB each), line comments skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from re import Pattern
from typing import Protocol, TypeVar

from pyo3_doctor.system.files import read_text_bounded, source_files


class LineRule(Protocol):
    @property
    def pattern(self) -> Pattern[str]: ...


R = TypeVar("R", bound=LineRule)


def matching_lines(src_root: Path, rules: Sequence[R]) -> list[tuple[R, Path, int, str]]:
    """(rule, file, 1-based line, the line) for every line a rule matches, in file order."""
    if not rules:
        return []
    found = []
    for path in source_files(src_root, limit=400):
        text = read_text_bounded(path, 2 << 20) or ""
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("//"):
                continue
            found += [(r, path, number, line) for r in rules if r.pattern.search(line)]
    return found
