"""Run the real probes in-process against a staged environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import clean_env

from pyo3_doctor.context import Context
from pyo3_doctor.engine import check
from pyo3_doctor.model import Report
from pyo3_doctor.probes import BY_ID


def run(
    cwd: Path,
    probes: tuple[str, ...] = (),
    timeout: float = 20.0,
    python: str | None = None,
    **env: str,
) -> Report:
    ctx = Context.from_process(env=clean_env(**env), cwd=str(cwd), timeout=timeout, python=python)
    return check(ctx, [BY_ID[p] for p in probes] if probes else None)


def result(report: Report, probe_id: str):
    return next(r for r in report.probes if r.probe == probe_id)


def ids(report: Report) -> list[str]:
    return [f.id for f in report.findings]


PYENV = Path.home() / ".pyenv" / "versions"


def pyenv_python(minor: str) -> str:
    """A real interpreter of another version (pyenv's), or skip where there is none."""
    found = sorted(PYENV.glob(f"{minor}.*/bin/python{minor}"))
    if not found:
        pytest.skip(f"no Python {minor} on this machine")
    return str(found[-1])
