"""What this build is: the tool version and the knowledge-base version, for reports.

The knowledge version is `[meta] version` of knowledge/versions.toml plus a short hash of
every shipped knowledge file, so an edited or locally patched knowledge base never reports
the same version as the shipped one. Computed lazily: `--version` and the JSON report need
it, nothing on the check path waits for it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources

from doctor import __version__

TOOL = "pyo3-doctor"


def tool_version() -> str:
    return __version__


@lru_cache(maxsize=1)
def knowledge_version() -> str:
    """E.g. "2025.1+1a2b3c4d": the declared version and a hash of the knowledge files."""
    folder = resources.files("knowledge")
    digest = hashlib.sha256()
    declared = "unknown"
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".toml"):
            continue
        data = item.read_bytes()
        digest.update(item.name.encode() + b"\0" + data + b"\0")
        if item.name == "versions.toml":
            declared = _declared(data)
    return f"{declared}+{digest.hexdigest()[:8]}"


def _declared(data: bytes) -> str:
    from doctor.tomlfile import TomlError, parse_toml

    try:
        meta = parse_toml(data.decode("utf-8", "replace"), "knowledge/versions.toml").get("meta")
    except TomlError:
        return "unknown"
    version = meta.get("version") if isinstance(meta, dict) else None
    return str(version) if version else "unknown"


def version_line() -> str:
    return f"{TOOL} {tool_version()} (knowledge base {knowledge_version()})"
