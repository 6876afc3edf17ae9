"""What this build is: the tool version and the knowledge-base version, for reports.

The knowledge version is `[meta] version` of knowledge/versions.toml plus a short hash of
every shipped knowledge file, so an edited or locally patched knowledge base never reports
the same version as the shipped one. Computed lazily: `--version` and the JSON report need
it, nothing on the check path waits for it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import knowledge
from doctor import __version__

TOOL = "pyo3-doctor"


def tool_version() -> str:
    return __version__


# The package is a plain folder, installed or not, so no importlib.resources (whose imports
# cost more than reading every file).
KNOWLEDGE_DIR = Path(knowledge.__file__).parent


@lru_cache(maxsize=1)
def knowledge_version() -> str:
    """E.g. "2025.1+1a2b3c4d": the declared version and a checksum of the knowledge files."""
    from doctor import kbfiles
    from doctor.tomlfile import TomlError

    try:
        meta = kbfiles.parsed().get("versions.toml", {}).get("meta")
    except (TomlError, UnicodeDecodeError):
        meta = None
    version = meta.get("version") if isinstance(meta, dict) else None
    return f"{version or 'unknown'}+{kbfiles.checksum():08x}"


def version_line() -> str:
    return f"{TOOL} {tool_version()} (knowledge base {knowledge_version()})"
