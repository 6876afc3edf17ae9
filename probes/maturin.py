"""Is maturin installed (on PATH or in the target environment) and in the range the project asks?"""

from __future__ import annotations

import os
import re

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from doctor.context import Context
from doctor.interpreter import interpreter
from doctor.model import Detected, ProbeResult, Severity, Status
from doctor.proc import run_tool, which
from doctor.project import Project, project, table
from doctor.versions import policy

ID = "maturin"
TITLE = "maturin"
FACTS = ("maturin", "maturin_version", "maturin_requirement", "maturin_env_version", "reason")


def requirement(proj: Project) -> tuple[str, Requirement] | None:
    """The maturin requirement of [build-system] requires, as written and parsed."""
    for text in proj.build_requires:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        if req.name.lower() == "maturin":
            return text.strip(), req
    return None


def probe(ctx: Context) -> ProbeResult:
    proj = project(ctx)
    info = interpreter(ctx).info or {}
    written, req = requirement(proj) or ("maturin", None)
    in_env = info.get("maturin")
    # What `maturin develop` runs is the one on PATH; the target env's is the fallback.
    exe = which("maturin", ctx.env) or "maturin"
    scripts_maturin = os.path.join(info.get("scripts") or "", "maturin")
    if exe == "maturin" and in_env and os.path.exists(scripts_maturin):
        exe = scripts_maturin
    ran = run_tool([exe, "--version"], ctx.env)
    facts = {
        "maturin": exe,
        "maturin_env_version": in_env,
        "maturin_requirement": written,
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
    if ran.exit_code != 0:
        broken = f"`{exe}` on PATH does not run; the target environment has maturin {in_env}"
        return ProbeResult(
            ID,
            Status.WARN,
            broken,
            facts,
            (ran,),
            (Detected("maturin-not-installed", Severity.WARN),),
        )
    found = re.search(r"maturin (\S+)", ran.output)
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
            Detected(
                "maturin-version", Severity.WARN, {"reason": f"pyproject.toml asks for {written}"}
            )
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
