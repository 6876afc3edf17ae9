"""What this tool is: its name, its version, and the folders it keeps its own files in.

Imported on the earliest path (doctor.exits), so it imports nothing but os, sys and pathlib.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from pyo3_doctor import __version__

TOOL = "pyo3-doctor"

# The user folders platformdirs (appauthor=False) gives on each system, written out: importing
# platformdirs costs 10 ms that a check would pay for one path (tests hold the two equal).
_FOLDERS = {
    "cache": {
        "linux": ("XDG_CACHE_HOME", ".cache", ""),
        "darwin": "Library/Caches/{tool}",
        "win32": "{local}/{tool}/Cache",
    },
    "state": {
        "linux": ("XDG_STATE_HOME", ".local/state", ""),
        "darwin": "Library/Application Support/{tool}",
        "win32": "{local}/{tool}",
    },
    "log": {
        "linux": ("XDG_STATE_HOME", ".local/state", "log"),
        "darwin": "Library/Logs/{tool}",
        "win32": "{local}/{tool}/Logs",
    },
}


def tool_version() -> str:
    return __version__


def user_dir(kind: str, env: Mapping[str, str] = os.environ) -> Path:
    """Where this tool keeps its `kind` ("cache", "state" or "log") files for this user."""
    home = Path(env.get("HOME") or os.path.expanduser("~"))
    system = sys.platform if sys.platform in ("darwin", "win32") else "linux"
    rule = _FOLDERS[kind][system]
    if isinstance(rule, tuple):
        variable, default, leaf = rule
        base = env.get(variable, "").strip()
        folder = Path(base if base else home / default) / TOOL
        return folder / leaf if leaf else folder
    local = env.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
    return (
        home / rule.format(tool=TOOL, local=local)
        if system == "darwin"
        else Path(rule.format(tool=TOOL, local=local))
    )
