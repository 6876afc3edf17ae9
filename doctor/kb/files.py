"""The shipped knowledge files: read once per run, parsed once per edit.

Parsing them is the largest single piece of work a check does (tomllib is pure Python, and
the files are 60 KB), so their parsed tables are kept as JSON in the user cache folder under
a checksum of every file's bytes, the same checksum the knowledge version reports. A cache
that is missing, stale, unreadable or corrupt, or a folder that cannot be written, only
means parsing again. JSON, not pickle or marshal: loading it runs no code.
"""

from __future__ import annotations

import contextlib
import json
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyo3_doctor import __version__, knowledge
from pyo3_doctor.about import TOOL, user_dir

CACHE_NAME = "knowledge.json"
# The data is a plain package folder, installed or not, so no importlib.resources (whose
# imports cost more than reading every file).
KNOWLEDGE_DIR = Path(knowledge.__file__).parent


@lru_cache(maxsize=1)
def files() -> dict[str, bytes]:
    """Every knowledge/*.toml file's bytes, by file name."""
    return {p.name: p.read_bytes() for p in sorted(KNOWLEDGE_DIR.glob("*.toml"))}


def checksum() -> int:
    """CRC32 over the names and bytes: it only has to tell edited files apart."""
    value = 0
    for name, data in files().items():
        value = zlib.crc32(name.encode() + b"\0" + data + b"\0", value)
    return value


def cache_key() -> str:
    """What a cache must say it holds to be read: this tool version and these files."""
    return f"{TOOL} {__version__} {checksum():08x}"


@lru_cache(maxsize=1)
def parsed() -> dict[str, dict[str, Any]]:
    """Every knowledge file's tables, by file name. A malformed file raises its TomlError."""
    path = user_dir("cache") / CACHE_NAME
    tables = _cached(path)
    if tables is None:
        from pyo3_doctor.system.tomlfile import parse_toml

        tables = {name: parse_toml(data.decode("utf-8"), name) for name, data in files().items()}
        _store(path, tables)
    return tables


def _cached(path: Path) -> dict[str, dict[str, Any]] | None:
    try:
        cached = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(cached, dict) or cached.get("key") != cache_key():
        return None
    tables = cached.get("files")
    if not isinstance(tables, dict) or set(tables) != set(files()):
        return None
    return tables if all(isinstance(t, dict) for t in tables.values()) else None


def _store(path: Path, tables: dict[str, dict[str, Any]]) -> None:
    try:
        data = json.dumps({"key": cache_key(), "files": tables}).encode()
    except (TypeError, ValueError):  # a TOML date, say: not worth caching
        return
    from pyo3_doctor.system.files import write_atomic

    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)


@lru_cache(maxsize=1)
def knowledge_version() -> str:
    """E.g. "2025.1+1a2b3c4d": `[meta] version` of knowledge/versions.toml and a checksum of
    every knowledge file, so an edited knowledge base never reports the shipped version."""
    from pyo3_doctor.system.tomlfile import TomlError

    try:
        meta = parsed().get("versions.toml", {}).get("meta")
    except (TomlError, UnicodeDecodeError):
        meta = None
    version = meta.get("version") if isinstance(meta, dict) else None
    return f"{version or 'unknown'}+{checksum():08x}"
