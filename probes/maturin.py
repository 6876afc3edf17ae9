"""Is maturin installed (on PATH or in the target environment) and in the range the project asks?"""

from __future__ import annotations

import os
import re

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from doctor.context import Context
from doctor.interpreter import interpreter
from doctor.model import Detected, ProbeResult, Severity, Status
from doctor.proc import run_tool
from doctor.project import Project, project, table
from doctor.versions import policy

ID = "maturin"
TITLE = "maturin"
FACTS = ("maturin", "maturin_version", "maturin_requirement", "maturin_env_version", "reason")


def requirement(proj: Project) -> Requirement | None:
    for text in proj.build_requires:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        if req.name.lower() == "maturin":
            return req
    return None


def probe(ctx: Context) -> ProbeResult:
    proj = project(ctx)
    info = interpreter(ctx).info or {}
    req = requirement(proj)
    in_env = info.get("maturin")
    exe = "maturin"
    if in_env and info.get("scripts") and os.path.exists(os.path.join(info["scripts"], "maturin")):
        exe = os.path.join(info["scripts"], "maturin")
    ran = run_tool([exe, "--version"], ctx.env)
    facts = {
        "maturin": exe,
        "maturin_env_version": in_env,
        "maturin_requirement": str(req) if req else "maturin",
    }
    if ran.exit_code != 0 and not in_env:
        broken = "" if ran.exit_code is None else f" (`{exe}` on PATH exits {ran.exit_code})"
        return ProbeResult(
            ID,
            Status.WARN,
            f"maturin is not installed on PATH or in the target environment{broken}",
            facts,
            (ran,),
            (Detected("maturin-not-installed", Severity.WARN),),
        )
    found = re.search(r"maturin (\S+)", ran.output) if ran.exit_code == 0 else None
    text = found.group(1) if found else in_env
    try:
        version = Version(text) if text else None
    except InvalidVersion:
        version = None
    if version is None:
        return ProbeResult(ID, Status.WARN, f"`{exe} --version` printed no version", facts, (ran,))
    facts["maturin_version"] = str(version)
    summary = f"maturin {version} ({exe})"
    detected = []
    if req and req.specifier and not req.specifier.contains(version, prereleases=True):
        detected.append(
            Detected("maturin-version", Severity.WARN, {"reason": f"pyproject.toml asks for {req}"})
        )
    project_table = table(proj.pyproject, "project")
    if (
        proj.uses_maturin
        and project_table
        and "version" not in project_table
        and "version" not in project_table.get("dynamic", [])
        and version >= policy().maturin_project_version_required_since
    ):
        detected.append(
            Detected(
                "maturin-version",
                Severity.FAIL,
                {"reason": "project.version is missing and not dynamic"},
            )
        )
    if not detected:
        return ProbeResult(ID, Status.OK, summary, facts, (ran,))
    status = Status.FAIL if any(d.severity is Severity.FAIL for d in detected) else Status.WARN
    reasons = "; ".join(d.details["reason"] for d in detected)
    return ProbeResult(ID, status, f"{summary}: {reasons}", facts, (ran,), tuple(detected))
