"""What would `maturin develop` install into: an active virtualenv, a conda env, or .venv?"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.context import Context
from doctor.model import Detected, ProbeResult, Severity, Status
from doctor.project import project

ID = "virtualenv"
TITLE = "Virtual environment"
FACTS = ("virtual_env", "conda_prefix", "venv_dir")


def probe(ctx: Context) -> ProbeResult:
    venv, conda = ctx.env.get("VIRTUAL_ENV"), ctx.env.get("CONDA_PREFIX")
    facts = {"virtual_env": venv, "conda_prefix": conda}
    if venv and conda and venv != conda:
        return ProbeResult(
            ID,
            Status.FAIL,
            f"both VIRTUAL_ENV ({venv}) and CONDA_PREFIX ({conda}) are set",
            facts,
            detected=(Detected("venv-conda-conflict", Severity.FAIL),),
        )
    if venv:
        return ProbeResult(ID, Status.OK, f"active virtualenv {venv}", facts)
    if conda:
        return ProbeResult(ID, Status.OK, f"active conda environment {conda}", facts)
    start = project(ctx).root or ctx.cwd
    for folder in (start, *start.parents):
        candidate = folder / ".venv"
        if candidate.is_dir():
            return _dot_venv(candidate, facts)
    facts["venv_dir"] = str(start / ".venv")
    return ProbeResult(
        ID,
        Status.WARN,
        "no active virtualenv or conda env, and no .venv here or above: "
        "`maturin develop` will refuse to run",
        facts,
        detected=(Detected("virtualenv-missing", Severity.WARN),),
    )


def _dot_venv(candidate: Path, facts: dict) -> ProbeResult:
    facts["venv_dir"] = str(candidate)
    python = candidate / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not (candidate / "pyvenv.cfg").is_file():
        return ProbeResult(
            ID,
            Status.WARN,
            f"{candidate} has no pyvenv.cfg: maturin will not accept it as a virtualenv",
            facts,
            detected=(Detected("virtualenv-missing", Severity.WARN),),
        )
    if not python.exists():
        return ProbeResult(
            ID,
            Status.WARN,
            f"{candidate} is broken: no {python}",
            facts,
            detected=(Detected("virtualenv-missing", Severity.WARN),),
        )
    return ProbeResult(
        ID, Status.OK, f"{candidate} (maturin develop finds it; not activated)", facts
    )
