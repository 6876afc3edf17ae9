"""Is there a C linker where rustc will look for one (cc, or the one Cargo is told to use)?"""

from __future__ import annotations

import os

from pyo3_doctor.context import Context
from pyo3_doctor.machine.toolchain import rustc
from pyo3_doctor.model import ProbeResult, Status, fail
from pyo3_doctor.project.loader import cargo_config, project, table
from pyo3_doctor.system.proc import run_tool, which

ID = "linker"
ORDER = 30  # where reports list it
TITLE = "C linker"
FACTS = ("linker", "linker_source", "target", "linker_found_at", "linker_dir")
# where system packages put a C compiler: found there but not on PATH, the fix is PATH
STANDARD_DIRS = ("/usr/bin", "/usr/local/bin", "/bin", "/opt/homebrew/bin")


def configured_linker(ctx: Context, target: str) -> tuple[str | None, str]:
    var = "CARGO_TARGET_" + target.upper().replace("-", "_").replace(".", "_") + "_LINKER"
    if ctx.env.get(var):
        return ctx.env[var], var
    # Cargo looks for its config from the directory it runs in: maturin runs it in the project
    for path, data in cargo_config(project(ctx).root or ctx.cwd, ctx.env):
        linker = table(data, "target", target).get("linker")
        if isinstance(linker, str) and linker:
            return linker, str(path)
    return None, ""


def _off_path(linker: str, path: str) -> str | None:
    listed = {os.path.normpath(p) for p in path.split(os.pathsep) if p}
    for folder in STANDARD_DIRS:
        found = os.path.join(folder, linker)
        if folder not in listed and os.path.isfile(found) and os.access(found, os.X_OK):
            return found
    return None


def probe(ctx: Context) -> ProbeResult:
    target = ctx.env.get("CARGO_BUILD_TARGET") or rustc(ctx).host
    if target.endswith("-msvc"):
        return ProbeResult(
            ID,
            Status.SKIP,
            "MSVC targets link with link.exe from Visual Studio",
            {"target": target},
        )
    linker, source = configured_linker(ctx, target) if target else (None, "")
    linker, source = linker or "cc", source or "default for this target"
    facts = {"linker": linker, "linker_source": source, "target": target or None}
    evidence = ()
    if ctx.platform.system == "macos":
        clt = run_tool(["xcode-select", "-p"], ctx.env)
        evidence = (clt,)
        if clt.exit_code != 0:
            return ProbeResult(
                ID,
                Status.FAIL,
                "the Xcode command line tools are not installed",
                facts,
                evidence,
                (fail("linker-missing"),),
            )
    if which(linker, ctx.env) is None and not os.path.isfile(linker):
        summary = f"linker `{linker}` ({source}) not found on PATH"
        off_path = _off_path(linker, ctx.env.get("PATH", ""))
        if off_path:  # installed, only PATH lacks its folder: reinstalling changes nothing
            facts.update(linker_found_at=off_path, linker_dir=os.path.dirname(off_path))
            summary += f"; it is at {off_path}, a folder PATH does not list"
        return ProbeResult(ID, Status.FAIL, summary, facts, evidence, (fail("linker-missing"),))
    if ctx.no_exec and os.path.isfile(source):  # named by a cargo config the checkout may bring
        summary = f"{linker} ({source}) is there; not run: --no-exec runs nothing a project names"
        return ProbeResult(ID, Status.OK, summary, facts, evidence)
    ran = run_tool([linker, "--version"], ctx.env)
    evidence += (ran,)
    if ran.exit_code != 0:
        why = ran.note or f"exited {ran.exit_code}"
        return ProbeResult(
            ID,
            Status.FAIL,
            f"linker `{linker}` does not run: {why}",
            facts,
            evidence,
            (fail("linker-missing"),),
        )
    first = ran.output.strip().splitlines()[0] if ran.output.strip() else linker
    return ProbeResult(ID, Status.OK, f"{linker}: {first}", facts, evidence)
