"""Tiny probes for driving the TUI with fixed, fast, or misbehaving results."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from pyo3_doctor.context import Context
from pyo3_doctor.model import Detected, Evidence, ProbeResult, Severity, Status

HOSTILE = "[bold]not bold[/] [/] \x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x1b[2J \x1bc \x07"


class FakeProbe:
    """Satisfies the probes.Probe protocol: ID, TITLE, FACTS, probe(ctx)."""

    FACTS: tuple[str, ...] = ()

    def __init__(self, probe_id: str, title: str, answer: Callable[[Context], ProbeResult]):
        self.ID = probe_id
        self.TITLE = title
        self._answer = answer

    def probe(self, ctx: Context) -> ProbeResult:
        return self._answer(ctx)


def fixed(
    probe_id: str,
    title: str,
    status: Status,
    summary: str,
    detected: tuple[Detected, ...] = (),
    evidence: tuple[Evidence, ...] = (),
    facts: Mapping[str, object] | None = None,
) -> FakeProbe:
    result = ProbeResult(probe_id, status, summary, dict(facts or {}), evidence, detected)
    return FakeProbe(probe_id, title, lambda ctx: result)


def crashing(probe_id: str = "boom", title: str = "Crashing check") -> FakeProbe:
    def answer(ctx: Context) -> ProbeResult:
        raise RuntimeError("the probe fell over")

    return FakeProbe(probe_id, title, answer)


def hanging(probe_id: str = "slow", title: str = "Hanging check", seconds: float = 5) -> FakeProbe:
    def answer(ctx: Context) -> ProbeResult:
        time.sleep(seconds)  # a daemon thread: the engine reports TIMEOUT and moves on
        return ProbeResult(probe_id, Status.OK, "too late")

    return FakeProbe(probe_id, title, answer)


def gated(gate: threading.Event, probe_id: str = "gated") -> FakeProbe:
    def answer(ctx: Context) -> ProbeResult:
        gate.wait(10)
        return ProbeResult(probe_id, Status.OK, "answered after the gate opened")

    return FakeProbe(probe_id, "Gated check", answer)


def venv_probe(project: Path, python: str) -> FakeProbe:
    """A `virtualenv` probe that fails until `project/.venv` exists; its fix creates it."""

    def answer(ctx: Context) -> ProbeResult:
        venv = project / ".venv"
        facts = {"python": python, "venv_dir": str(venv), "venv_required": "maturin develop"}
        if venv.is_dir():
            return ProbeResult("virtualenv", Status.OK, f"{venv} exists", facts)
        detected = (Detected("virtualenv-missing", Severity.FAIL),)
        return ProbeResult("virtualenv", Status.FAIL, "no virtualenv", facts, (), detected)

    return FakeProbe("virtualenv", "Virtual environment", answer)


def module_name_probe(project: Path) -> FakeProbe:
    """A `module_name` probe reading tool.maturin.module-name; the fix is a TOML edit."""

    def answer(ctx: Context) -> ProbeResult:
        text = (project / "pyproject.toml").read_text()
        if 'module-name = "demo._core"' in text:
            return ProbeResult("module_name", Status.OK, "module demo._core matches")
        details = {
            "module_name": "wrong",
            "module_name_source": "[tool.maturin] module-name",
            "pymodule_name": "_core",
            "pymodule_item": "fn _core",
            "pymodule_location": "src/lib.rs:4",
            "module_name_file": "pyproject.toml",
            "module_name_key": "tool.maturin.module-name",
            "pymodule_name_value": "demo._core",
            "rust_diff": "-fn _core\n+fn wrong",
        }
        detected = (Detected("module-name-mismatch", Severity.FAIL, details),)
        return ProbeResult(
            "module_name", Status.FAIL, "module wrong vs #[pymodule] _core", {}, (), detected
        )

    return FakeProbe("module_name", "Module name", answer)


def fake_python(folder: Path) -> str:
    """A stand-in for `python -m venv DIR` that prints as it goes and makes DIR."""
    script = folder / "fake-python"
    script.write_text(
        f"#!{sys.executable}\n"
        "import os, sys\n"
        "print('creating', sys.argv[-1], flush=True)\n"
        "os.makedirs(sys.argv[-1])\n"
        "print('done', flush=True)\n"
    )
    script.chmod(0o755)
    return str(script)
