"""Is this crate ready for free-threaded CPython (3.13t, 3.14t), where the project builds for it?

Read from the code and the machine, before a build breaks: the free-threaded interpreters
here, what the #[pymodule] declares with `gil_used` (and what this PyO3 defaults it to), the
lines that lean on the GIL (knowledge/threading.toml), and, where the target interpreter is
free-threaded and the module was imported, whether importing it turned the GIL back on.
It judges only where the project builds for free-threading (the target interpreter, a CI
workflow or the classifier says so); elsewhere it says what it saw.
"""

from __future__ import annotations

from pyo3_doctor.context import Context
from pyo3_doctor.kb.versions import policy
from pyo3_doctor.machine.importcheck import imported
from pyo3_doctor.machine.interpreter import interpreter
from pyo3_doctor.machine.pythons import installed
from pyo3_doctor.model import Detected, ProbeResult, Severity, judged, skipped
from pyo3_doctor.project.free_threading import claims, gil_declared, gil_patch, leaning_lines
from pyo3_doctor.project.loader import project, skip_reason
from pyo3_doctor.project.rust.source import scan

ID = "free_threading"
ORDER = 107  # where reports list it
TITLE = "Free-threaded Python"
FACTS = (
    "free_threaded_targets",
    "free_threaded_pythons",
    "gil_used",
    "gil_used_declared",
    "gil_reliance",
    "gil_patch_file",
    "gil_patch_line",
    "gil_patch_old",
    "gil_patch_new",
)


def probe(ctx: Context) -> ProbeResult:
    proj = project(ctx)
    reason = skip_reason(proj)
    row = policy().for_pyo3(proj.pyo3_version) if proj.pyo3_version else None
    if reason or row is None or proj.crate is None:
        return skipped(ID, reason or "no PyO3 version to judge")
    info = interpreter(ctx).info or {}
    targets = (("the target interpreter",) if info.get("gil_disabled") else ()) + claims(proj)
    here = [i.label() for i in installed(ctx) if i.free_threaded]
    src = proj.crate.lib_root.parent
    leaning = leaning_lines(src)
    where = [f"{proj.rel(p)}:{n}" for _, p, n, _ in leaning]
    entries = scan(proj.crate.lib_root).top_level
    entry = entries[0] if entries else None
    declared = gil_declared(entry) if entry else None
    needs_gil = row.gil_used_default if declared is None else declared
    facts: dict = {
        "free_threaded_targets": list(targets),
        "free_threaded_pythons": here,
        "gil_used": needs_gil,
        "gil_used_declared": declared is not None,
        "gil_reliance": [f"{w}: {r.says}" for w, (r, *_) in zip(where, leaning)],
    }
    first = f": {where[0]} ({leaning[0][0].id})" if leaning else ""
    told = (
        f"{len(leaning)} line(s) lean on the GIL{first}" if leaning else "no line leans on the GIL"
    )
    gil = "needs the GIL" if needs_gil else "runs without the GIL"
    said = f"the module {gil}{'' if declared is not None else ' (PyO3 default)'}; {told}"
    if not targets:
        return judged(ID, f"no free-threaded build claimed; {said}", facts)
    if row.free_threaded is None:
        sees = Detected("unsupported-interpreter-build", Severity.WARN, {"build": "free-threaded"})
        return judged(
            ID, f"PyO3 {row.series} cannot build for free-threaded CPython", facts, (), [sees]
        )
    severity = Severity.FAIL if info.get("gil_disabled") else Severity.WARN
    found = [
        Detected("free-threaded-api-unavailable", severity, {}, w)
        for w, (r, *_) in zip(where, leaning)
        if r.effect == "breaks"
    ][:1]
    answer = (imported(ctx) or ({}, None))[0] if info.get("gil_disabled") else {}
    if answer.get("gil_warning") or (needs_gil and declared is None):
        module = proj.layout.module_name if proj.layout else ""
        at = f"{proj.rel(entry.file)}:{entry.attr_line}" if entry else None
        patch = gil_patch(entry) if entry and not leaning else None
        if patch:
            facts.update(gil_patch_file=str(entry.file), gil_patch_line=patch[0])
            facts.update(gil_patch_old=patch[1], gil_patch_new=patch[2])
        found.append(Detected("free-threaded-gil-reenabled", Severity.WARN, {"module": module}, at))
    elif not needs_gil and any(r.effect != "breaks" for r, *_ in leaning):
        first = next(w for w, (r, *_) in zip(where, leaning) if r.effect != "breaks")
        found.append(Detected("free-threading-unsafe-code", Severity.WARN, {}, first))
    return judged(ID, f"free-threaded builds claimed ({targets[0]}); {said}", facts, (), found)
