"""Run the real probes in-process against a staged environment."""

from __future__ import annotations

from pathlib import Path

from support import clean_env, pyenv_python

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


__all__ = ["pyenv_python"]
