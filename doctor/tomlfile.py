"""Reading TOML fast (tomllib where it exists) with errors that say file:line:column.

Edits go through tomlkit elsewhere so comments survive; reads only need the values, and
tomllib is many times faster than tomlkit on a real pyproject.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_BYTES = 8 * 1024 * 1024  # no real project file is this big; refuse rather than stall

try:  # Python 3.11+
    import tomllib as _toml  # type: ignore[import-not-found]

    _DecodeError: type[Exception] = _toml.TOMLDecodeError
except ImportError:  # pragma: no cover - exercised on 3.9/3.10
    _toml = None
    _DecodeError = Exception


@dataclass(frozen=True)
class TomlError(Exception):
    path: str
    line: int
    column: int
    message: str

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}" if self.line else self.path

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*at line (\d+) col (\d+)")


def parse_toml(text: str, path: str = "<string>") -> dict[str, Any]:
    try:
        if _toml is not None:
            return _toml.loads(text)
        import tomlkit

        return tomlkit.parse(text).unwrap()
    except _DecodeError as exc:
        message = str(exc)
        line = int(getattr(exc, "lineno", 0) or getattr(exc, "line", 0) or 0)
        column = int(getattr(exc, "colno", 0) or getattr(exc, "col", 0) or 0)
        found = _AT.search(message)
        if found:
            nums = [g for g in found.groups() if g]
            line, column = line or int(nums[0]), column or int(nums[1])
            message = _AT.sub("", message)
        raise TomlError(path, line, column, message.strip()) from None


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; any problem (missing, unreadable, not UTF-8, huge) is a TomlError."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise TomlError(str(path), 0, 0, exc.strerror or str(exc)) from None
    if len(raw) > MAX_BYTES:
        raise TomlError(str(path), 0, 0, f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise TomlError(str(path), line, column, "not valid UTF-8") from None
    return parse_toml(text, str(path))
