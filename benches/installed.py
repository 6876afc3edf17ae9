"""pyo3-doctor as users run it: `pip install .` into a fresh virtualenv, bytecode compiled.

The development environment is an editable install, and its .pth hook imports a meta-path
finder (and pathlib, and more) at every interpreter start: about 50M instructions, a tenth
of a whole check, that nobody who ran the README's `pip install .` pays. So each benchmark
builds the wheel, installs it into a throwaway virtualenv, and lets that environment see the
development environment's dependencies (textual, rich, packaging...) through one .pth line.
Without a way to build the wheel (offline, say) it falls back to the development install.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tempfile
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Install:
    """Where pyo3-doctor is installed for a benchmark: its interpreter and its script."""

    python: str
    script: str
    kind: str  # "wheel in a fresh venv" or "development install"

    def command(self) -> list[str]:
        return [self.script]


def compiled_env() -> dict[str, str]:
    """The warm-up run writes bytecode, as `pip install` does, even where it is turned off."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _development() -> Install:
    script = Path(sys.executable).with_name("pyo3-doctor")
    return Install(sys.executable, str(script), "development install")


def _pip(*args: str) -> bool:
    run = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, check=False)
    return run.returncode == 0


@contextmanager
def installed() -> Iterator[Install]:
    with tempfile.TemporaryDirectory(prefix="pyo3-doctor-bench-") as tmp:
        wheels, env = Path(tmp) / "wheels", Path(tmp) / "venv"
        venv.create(env, with_pip=False)
        python = str(env / ("Scripts" if os.name == "nt" else "bin") / "python")
        built = _pip("wheel", "-q", "--no-deps", "-w", str(wheels), str(REPO))
        wheel = next(wheels.glob("*.whl"), None) if built else None
        if wheel is None or not _pip("--python", python, "install", "-q", "--no-deps", str(wheel)):
            print("(could not build the wheel: timing the development install)", file=sys.stderr)
            yield _development()
            return
        purelib = subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        Path(purelib, "bench-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
        script = Path(python).with_name("pyo3-doctor")
        yield Install(python, str(script), "wheel in a fresh venv")
