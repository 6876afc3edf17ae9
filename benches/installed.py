"""pyo3-doctor as users run it: the installed console script, its bytecode compiled."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def doctor_command() -> list[str]:
    """The installed console script, as users run it; `-m doctor` when there is none."""
    script = Path(sys.executable).with_name("pyo3-doctor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "doctor"]


def compiled_env() -> dict[str, str]:
    """The warm-up run writes bytecode, as `pip install` does, even where it is turned off."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env
