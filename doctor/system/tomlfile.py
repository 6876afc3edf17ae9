"""Reading TOML fast (tomllib where it exists) with errors that say file:line:column.

Edits go through tomlkit elsewhere so comments survive; reads only need the values, and
tomllib is many times faster than tomlkit on a real pyproject.toml.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyo3_doctor.system.files import read_bytes_bounded

MAX_BYTES = 8 * 1024 * 1024  # no real Cargo.lock is this big; refuse rather than stall
MANIFEST_BYTES = 1024 * 1024  # nor a pyproject.toml, Cargo.toml or cargo config this big
# tomllib's time and memory grow with the square of a dotted key's depth (`a.a.a...= 1`:
# 50,000 levels in 100 KB took 10 GB): a key or header of more parts than this is refused
# before parsing, as are arrays or inline tables opened this deep in a row
MAX_DEPTH = 64
_DEEP_KEY = re.compile(r"(?:[\w\-\"']+\.){" + str(MAX_DEPTH) + "}")  # not prose: "Foo. Bar."
_DEEP_NEST = re.compile(r"(?:[\[{][ \t\r\n]*){" + str(MAX_DEPTH) + "}")

try:  # Python 3.11+
    import tomllib as _toml  # type: ignore[import-not-found]

    _DecodeError: type[Exception] = _toml.TOMLDecodeError
except ImportError:  # pragma: no cover - exercised on 3.9/3.10
    _toml = None
    _DecodeError = Exception


@dataclass(eq=False)  # not frozen: raising sets __traceback__ on it
class TomlError(Exception):
    """A TOML file that does not parse: where and why, as a user can find it."""

    path: str
    line: int
    column: int
    message: str

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}" if self.line else self.path

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


# Where a parse error is: tomllib says "(at line 3, column 11)", counting columns from 1;
# tomlkit (Python < 3.11) says "at line 3 col 10", counting them from 0.
_TOMLLIB_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
_TOMLKIT_AT = re.compile(r"\s*at line (\d+) col (\d+)")


def parse_toml(text: str, path: str = "<string>") -> dict[str, Any]:
    _refuse_deep(text, path)
    try:
        if _toml is not None:
            return _toml.loads(text)
        import tomlkit

        return tomlkit.parse(text).unwrap()
    except _DecodeError as exc:
        raise TomlError(path, *_position(str(exc))) from None
    except RecursionError:  # arrays or tables nested thousands deep: the parser recurses
        raise TomlError(path, 0, 0, "nested too deeply to read") from None


def _refuse_deep(text: str, path: str) -> None:
    """Raise TomlError for a key, header or nest deeper than MAX_DEPTH. Only lines holding
    that many dots or brackets can be, so the regexes see only those (one count per line)."""
    for number, line in enumerate(text.split("\n"), 1):
        dots, opens = line.count("."), line.count("[") + line.count("{")
        if dots >= MAX_DEPTH or opens >= MAX_DEPTH:
            deep = _DEEP_KEY.search(line) or _DEEP_NEST.search(line)
            if deep is not None:
                message = f"nested more than {MAX_DEPTH} levels deep: not read"
                raise TomlError(path, number, deep.start() + 1, message)


def _position(message: str) -> tuple[int, int, str]:
    """(line, column from 1, the message without its position) of a parse error."""
    for pattern, first_column in ((_TOMLLIB_AT, 1), (_TOMLKIT_AT, 0)):
        found = pattern.search(message)
        if found:
            line, column = int(found.group(1)), int(found.group(2)) + 1 - first_column
            return line, column, pattern.sub("", message).strip()
    return 0, 0, message.strip()


def _unreadable(path: Path) -> str:
    """Why a file could not be read, in the system's words where it has them."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            return "not a regular file (a FIFO, a device or a folder): not read"
        with open(path, "rb"):
            return "cannot be read"
    except OSError as exc:
        return exc.strerror or str(exc)


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; any problem (missing, unreadable, not UTF-8, huge) is a TomlError."""
    cap = MAX_BYTES if path.name == "Cargo.lock" else MANIFEST_BYTES
    raw = read_bytes_bounded(path, cap + 1)  # None: not a regular file, or unreadable
    if raw is None:
        raise TomlError(str(path), 0, 0, _unreadable(path))
    if len(raw) > cap:
        raise TomlError(str(path), 0, 0, f"larger than {cap // (1024 * 1024)} MiB")
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # cargo and maturin read past a byte-order mark
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise TomlError(str(path), line, column, "not valid UTF-8") from None
    return parse_toml(text, str(path))
