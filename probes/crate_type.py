"""Is the lib target a cdylib, the only crate type Python can load?"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyo3_doctor.context import Context
from pyo3_doctor.model import Detected, ProbeResult, Severity, Status
from pyo3_doctor.project.cargo import Crate
from pyo3_doctor.project.loader import project, skip_reason, table
from pyo3_doctor.project.rust.source import scan

ID = "crate_type"
ORDER = 90  # where reports list it
TITLE = "Crate type"
FACTS = (
    "crate_types",
    "crate_type_problem",
    "crate_type_file",
    "crate_type_value",
    "crate_type_remove",
)


def probe(ctx: Context) -> ProbeResult:
    proj = project(ctx)
    reason = skip_reason(proj)
    if reason:
        return ProbeResult(ID, Status.SKIP, reason)
    crate = proj.crate
    assert crate is not None
    types = crate.crate_types
    facts = {"crate_types": list(types) if types is not None else None}
    if _plain_library(proj.uses_maturin, crate):
        return ProbeResult(ID, Status.SKIP, "a Rust library exporting no module", facts)
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
        "crate_type_file": proj.rel(crate.manifest),
        "crate_type_value": "[" + ", ".join(f'"{t}"' for t in wanted) + "]",
    }
    if crate.package_crate_type is not None:
        # the fix moves the key: one left under [package] keeps this finding (and the warning)
        details["crate_type_remove"] = _misplaced_key(proj.cargo)
    facts.update(details)
    found = Detected(
        "crate-type-not-cdylib", Severity.WARN, details, location=proj.rel(crate.manifest)
    )
    return ProbeResult(ID, Status.WARN, problem, facts, (), (found,))


def _misplaced_key(cargo: Mapping[str, Any]) -> str:
    """The dotted key of crate-type under [package], as it is spelled there."""
    package = table(cargo, "package")
    return "package." + ("crate-type" if "crate-type" in package else "crate_type")


def _plain_library(uses_maturin: bool, crate: Crate) -> bool:
    """Nothing says this is an extension (no maturin config, no crate-type), and it exports
    no module: a Rust library that uses pyo3 (pyo3 itself, a helper crate), not one to load."""
    if uses_maturin or crate.crate_types is not None or crate.package_crate_type is not None:
        return False
    return not crate.lib_root.is_file() or not scan(crate.lib_root).entries
