"""Is maturin installed (on PATH or in the target environment) and in the range the project asks?"""

from __future__ import annotations

import json

from pyo3_doctor.context import Context
from pyo3_doctor.kb.versions import policy
from pyo3_doctor.machine.maturin import beyond_releases, maturin, requirement
from pyo3_doctor.model import Detected, ProbeResult, Severity, Status, status_of
from pyo3_doctor.project.loader import project, table

ID = "maturin"
ORDER = 60  # where reports list it
TITLE = "maturin"
FACTS = (
    "maturin",
    "maturin_version",
    "maturin_requirement",
    "maturin_env_version",
    "reason",
    "maturin_requires_fixed",
    "project_version_missing",
)


def probe(ctx: Context) -> ProbeResult:
    proj = project(ctx)
    req = requirement(proj)
    written = req.text if req else "maturin"
    tool = maturin(ctx)
    exe, ran, in_env = tool.exe, tool.evidence, tool.env_version
    facts = {"maturin": exe, "maturin_env_version": in_env, "maturin_requirement": written}
    if not tool.runs:
        where = "on PATH or in the target environment"
        broken = "" if ran.exit_code is None else f" (`{exe}` exits {ran.exit_code})"
        if in_env:
            where, broken = f"as a working command (the target environment has {in_env})", broken
        return ProbeResult(
            ID,
            Status.WARN,
            f"maturin is not installed {where}{broken}",
            facts,
            (ran,),
            (Detected("maturin-not-installed", Severity.WARN),),
        )
    version = tool.version
    if version is None:
        return ProbeResult(ID, Status.WARN, f"`{exe} --version` printed no version", facts, (ran,))
    facts["maturin_version"] = str(version)
    summary = f"maturin {version} ({exe})"
    detected = []
    if req and req.specifier and not req.specifier.contains(version, prereleases=True):
        reason = f"pyproject.toml asks for {written}"
        if beyond_releases(req.specifier, version):
            # no release to install: the fix is the requirement, as `maturin new` writes it
            recommended = policy().maturin_recommended_requires
            fixed = [recommended if r.strip() == req.text else r for r in proj.build_requires]
            facts["maturin_requires_fixed"] = json.dumps(fixed)
            reason += (
                f", a version no maturin release has (maturin {version} is installed, "
                f"every release known is below {policy().maturin_releases_below}), "
                "so `pip install .` finds no maturin to build with"
            )
        severity = Severity.FAIL if "maturin_requires_fixed" in facts else Severity.WARN
        detected.append(Detected("maturin-version", severity, {"reason": reason}))
    project_table = table(proj.pyproject, "project")
    if (
        proj.uses_maturin
        and project_table
        and "version" not in project_table
        and "version" not in project_table.get("dynamic", [])
        and version >= policy().maturin_project_version_required_since
    ):
        facts["project_version_missing"] = "yes"
        detected.append(
            Detected(
                "maturin-version",
                Severity.FAIL,
                {"reason": "project.version is missing and not dynamic"},
            )
        )
    if not detected:
        return ProbeResult(ID, Status.OK, summary, facts, (ran,))
    status = status_of(detected)
    reasons = "; ".join(d.details["reason"] for d in detected)
    return ProbeResult(ID, status, f"{summary}: {reasons}", facts, (ran,), tuple(detected))
