"""Is the lib target a cdylib, the only crate type Python can load?"""

from __future__ import annotations

from doctor.context import Context
from doctor.model import Detected, ProbeResult, Severity, Status
from doctor.project import project, skip_reason
from probes.module_name import rel

ID = "crate_type"
TITLE = "Crate type"
FACTS = ("crate_types", "crate_type_problem", "crate_type_file", "crate_type_value")


def probe(ctx: Context) -> ProbeResult:
    proj = project(ctx)
    reason = skip_reason(proj)
    if reason:
        return ProbeResult(ID, Status.SKIP, reason)
    crate = proj.crate
    assert crate is not None
    types = crate.crate_types
    facts = {"crate_types": list(types) if types is not None else None}
    problem = ""
    if crate.package_crate_type is not None:
        problem = "crate-type is under [package], where Cargo ignores it"
        wanted = list(dict.fromkeys(["cdylib", *crate.package_crate_type, *(types or ())]))
    elif types is None:
        problem = "[lib] has no crate-type, so `cargo build` makes only an rlib"
        wanted = ["cdylib"]
    elif "cdylib" not in types:
        problem = f"[lib] crate-type = {list(types)} has no cdylib"
        wanted = ["cdylib", *types]
    if not problem:
        return ProbeResult(ID, Status.OK, f"[lib] crate-type = {list(types or ())}", facts)
    details = {
        "crate_type_problem": problem,
        "crate_type_file": rel(proj, crate.manifest),
        "crate_type_value": "[" + ", ".join(f'"{t}"' for t in wanted) + "]",
    }
    facts.update(details)
    found = Detected(
        "crate-type-not-cdylib", Severity.WARN, details, location=rel(proj, crate.manifest)
    )
    return ProbeResult(ID, Status.WARN, problem, facts, (), (found,))
