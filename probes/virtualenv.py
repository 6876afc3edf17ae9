"""What would `maturin develop` install into: an active virtualenv, a conda env, or .venv?"""

from __future__ import annotations

import os
from pathlib import Path

from pyo3_doctor.context import Context
from pyo3_doctor.machine.interpreter import interpreter
from pyo3_doctor.model import Detected, ProbeResult, Severity, Status, fail
from pyo3_doctor.project.loader import maturin_builds, not_pyo3_reason, project
from pyo3_doctor.system.files import read_text_bounded
from pyo3_doctor.system.proc import which

ID = "virtualenv"
ORDER = 70  # where reports list it
TITLE = "Virtual environment"
FACTS = (
    "virtual_env",
    "conda_prefix",
    "conda_exe",
    "venv_dir",
    "venv_python",
    "venv_python_version",
    "venv_required",
)
# Variables CI services set: there a job builds with `maturin build`, maturin-action or pip,
# and creates any virtualenv it uses in an earlier step, so `maturin develop` is not how the
# project is built and a missing virtualenv is no certain failure.
CI_VARIABLES = ("CI", "TF_BUILD", "JENKINS_URL", "BUILDKITE", "TEAMCITY_VERSION")


def _develops(ctx: Context) -> bool:
    """Whether `maturin develop` is how this project is built here: not on a CI runner."""
    return not any(
        ctx.env.get(name, "").strip().lower() not in ("", "0", "false") for name in CI_VARIABLES
    )


def _conda(ctx: Context) -> str | None:
    """The conda executable here: on PATH, or where an activated conda says it is."""
    found = which("conda", ctx.env)
    named = ctx.env.get("CONDA_EXE", "")
    if not found and named and os.path.isfile(named) and os.access(named, os.X_OK):
        found = named
    return found


def probe(ctx: Context) -> ProbeResult:
    venv, conda = ctx.env.get("VIRTUAL_ENV"), ctx.env.get("CONDA_PREFIX")
    facts = {"virtual_env": venv, "conda_prefix": conda}
    if venv and conda and venv != conda:
        # without conda here, CONDA_PREFIX is left over (a copied environment, a removed
        # install): it is the variable to drop, and conda's own commands cannot run
        facts["conda_exe"] = _conda(ctx)
        return ProbeResult(
            ID,
            Status.FAIL,
            f"both VIRTUAL_ENV ({venv}) and CONDA_PREFIX ({conda}) are set",
            facts,
            detected=(fail("venv-conda-conflict"),),
        )
    if venv:
        return ProbeResult(ID, Status.OK, f"active virtualenv {venv}", facts)
    if not_pyo3_reason(project(ctx), ctx.project_dir or ctx.cwd):
        return ProbeResult(
            ID, Status.SKIP, "no PyO3 project: `maturin develop` has nothing to build"
        )
    if conda:
        return ProbeResult(ID, Status.OK, f"active conda environment {conda}", facts)
    if not maturin_builds(project(ctx)):
        said = "not built with maturin: `maturin develop` is not how this project is installed"
        return ProbeResult(ID, Status.SKIP, said, facts)
    if _develops(ctx):
        facts["venv_required"] = "maturin develop"
    start = project(ctx).root or ctx.cwd
    for folder in (start, *start.parents):
        candidate = folder / ".venv"
        if candidate.is_dir():
            return _dot_venv(ctx, candidate, facts)
    facts["venv_dir"] = str(start / ".venv")
    return ProbeResult(
        ID,
        _level(facts),
        "no active virtualenv or conda env, and no .venv here or above: "
        "`maturin develop` will refuse to run",
        facts,
        detected=(_missing(facts),),
    )


def _missing(facts: dict) -> Detected:
    """virtualenv-missing: a failure where `maturin develop` is how the project is built."""
    severity = Severity.FAIL if facts.get("venv_required") else Severity.WARN
    return Detected("virtualenv-missing", severity)


def _level(facts: dict) -> Status:
    return Status.FAIL if facts.get("venv_required") else Status.WARN


def _dot_venv(ctx: Context, candidate: Path, facts: dict) -> ProbeResult:
    facts["venv_dir"] = str(candidate)
    python = candidate / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not (candidate / "pyvenv.cfg").is_file():
        return ProbeResult(
            ID,
            _level(facts),
            f"{candidate} has no pyvenv.cfg: maturin will not accept it as a virtualenv",
            facts,
            detected=(_missing(facts),),
        )
    if not python.exists():
        return ProbeResult(
            ID,
            _level(facts),
            f"{candidate} is broken: no {python}",
            facts,
            detected=(_missing(facts),),
        )
    facts.update(venv_python=str(python), venv_python_version=_version(candidate))
    summary = f"{candidate} (maturin develop finds it; not activated)"
    checked = interpreter(ctx)  # the Python the other checks looked at
    target = checked.info
    if not target or _same_dir(target.get("prefix"), candidate):
        return ProbeResult(ID, Status.OK, summary, facts)
    mine, theirs = facts["venv_python_version"], target["version"]
    if mine and mine.split(".")[:2] != theirs.split(".")[:2]:
        details = {"python": checked.path, "python_version": theirs}
        detected = Detected("venv-not-activated", Severity.WARN, details)
        summary += f": Python {mine} there, {theirs} for the checks here"
        return ProbeResult(ID, Status.WARN, summary, facts, detected=(detected,))
    summary += "; the Python checked here is another environment"
    return ProbeResult(ID, Status.OK, summary, facts)


def _version(venv: Path) -> str | None:
    """The Python version pyvenv.cfg records (`version` from venv, `version_info` from uv
    and virtualenv), without starting that Python."""
    text = read_text_bounded(venv / "pyvenv.cfg", 64 * 1024)
    if text is None:
        return None
    lines = text.splitlines()
    for line in lines:
        key, eq, value = line.partition("=")
        if eq and key.strip() in ("version", "version_info"):
            return ".".join(value.strip().split(".")[:3]) or None
    return None


def _same_dir(a: object, b: Path) -> bool:
    try:
        return isinstance(a, str) and os.path.samefile(a, b)
    except OSError:
        return False
