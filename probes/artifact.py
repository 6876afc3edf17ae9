"""Is there a built extension, does it export the right PyInit_, is it fresh, does it import?"""

from __future__ import annotations

import json
import os
from pathlib import Path

from doctor.context import Context
from doctor.elfsyms import exported_symbols
from doctor.interpreter import choose, interpreter
from doctor.model import Detected, Evidence, ProbeResult, Severity, Status
from doctor.proc import run_tool
from doctor.project import project
from doctor.rustsrc import scan
from probes.module_name import rel, skip_reason

ID = "artifact"
TITLE = "Built extension"
FACTS = (
    "artifact_path",
    "artifact_kind",
    "expected_symbol",
    "import_name",
    "import_error",
    "newest_source",
    "python_package_dir",
    "shadow_dir",
)
IMPORT_TIMEOUT = 5.0
# Runs in the target interpreter from "/" (nothing in the project shadows anything) unless a
# source folder is given; prints where the module comes from, or the import error verbatim.
IMPORT = r"""
import importlib, importlib.util, json, sys, traceback
name, extra = sys.argv[1], sys.argv[2]
if extra:
    sys.path.insert(0, extra)
out = {}
try:
    spec = importlib.util.find_spec(name)
    out["origin"] = spec.origin if spec else None
    if spec:
        importlib.import_module(name)
except BaseException as exc:
    out["error"] = traceback.format_exception_only(type(exc), exc)[-1].strip()
print(json.dumps(out))
"""
SUFFIXES = (".so", ".pyd", ".dylib")


def interpreter_path(ctx: Context) -> str | None:
    path, _ = choose(ctx)
    return path if path and os.path.exists(path) else None


def _artifacts(folder: Path, ext: str) -> list[Path]:
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob(f"{ext}.*") if p.suffix in SUFFIXES]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def import_argv(ctx: Context) -> tuple[str, ...] | None:
    """The import check this probe runs, or None when it does not apply (prefetch uses it)."""
    proj = project(ctx)
    python = interpreter_path(ctx)
    layout = proj.layout
    if skip_reason(proj) or python is None or layout is None:
        return None
    local = _artifacts(layout.extension_dir, layout.extension_name) if layout.mixed else []
    extra = str(layout.python_root) if local else ""
    return (python, "-c", IMPORT, layout.module_name, extra)


def _import(ctx: Context, argv: tuple[str, ...]) -> tuple[dict, Evidence]:
    ran = run_tool(argv, ctx.env, cwd=os.path.abspath(os.sep), timeout=IMPORT_TIMEOUT)
    shown = Evidence((*argv[:2], "<import>", *argv[3:]), ran.exit_code, ran.output, ran.note)
    try:
        return json.loads(ran.output.strip().splitlines()[-1]), shown
    except (ValueError, IndexError):
        note = ran.note or f"exited {ran.exit_code}"
        return {"error": f"the import check did not answer ({note})"}, shown


def probe(ctx: Context) -> ProbeResult:
    proj = project(ctx)
    reason = skip_reason(proj)
    interp = interpreter(ctx)
    if reason or interp.path is None or interp.info is None:
        return ProbeResult(ID, Status.SKIP, reason or "no target interpreter")
    layout, crate = proj.layout, proj.crate
    assert layout is not None and crate is not None and proj.root is not None
    ext, name = layout.extension_name, layout.module_name
    local = _artifacts(layout.extension_dir, ext) if layout.mixed else []
    argv = import_argv(ctx)
    assert argv is not None
    answer, evidence = _import(ctx, argv)
    origin = answer.get("origin")
    built = Path(origin) if origin and Path(origin).suffix in SUFFIXES else None
    if built is None and origin and Path(origin).name == "__init__.py":
        # pure layout: maturin installs a package folder holding <name>/<name>.<suffix>
        inside = _artifacts(Path(origin).parent, ext)
        built = inside[0] if inside else None
    built = built or (local[0] if local else None)
    facts: dict = {"import_name": name, "expected_symbol": f"PyInit_{ext}"}
    missing = str(answer.get("error", "")).startswith("ModuleNotFoundError")
    if built is None and (missing or not answer.get("error")):
        return ProbeResult(ID, Status.SKIP, f"{name} is not built or installed yet", facts)
    found: list[Detected] = []
    notes: list[str] = []
    if built is not None:
        facts.update(
            artifact_path=str(built),
            artifact_kind="source folder" if built in local else "installed",
        )
        symbols = exported_symbols(built)
        if symbols is not None and f"PyInit_{ext}" not in symbols:
            inits = sorted(s for s in symbols if s.startswith(("PyInit_", "PyModExport_")))
            notes.append(f"exports {', '.join(inits) or 'no PyInit_'}, not PyInit_{ext}")
        sources = [*scan(crate.lib_root).files, crate.manifest]
        newest = max(sources, key=lambda p: p.stat().st_mtime if p.exists() else 0)
        if newest.exists() and newest.stat().st_mtime > built.stat().st_mtime + 1:
            facts["newest_source"] = rel(proj, newest)
            found.append(Detected("stale-extension-build", Severity.WARN))
    error = answer.get("error")
    if error:
        facts["import_error"] = error
        found.insert(0, Detected("extension-import-failed", Severity.FAIL))
    shadow = layout.mixed and layout.python_root == proj.root and built is not None
    if shadow and built not in local and layout.package_dir is not None:
        facts.update(python_package_dir=rel(proj, layout.package_dir), shadow_dir=str(proj.root))
        found.append(Detected("mixed-layout-shadowing", Severity.WARN))
    where = "no built file found"
    if built is not None:
        where = rel(proj, built) if built in local else str(built)
    summary = f"{name}: {where}"
    summary += "".join(f"; {n}" for n in notes)
    summary += f"; import fails: {error}" if error else "; imports"
    status = Status.OK
    if found:
        status = Status.FAIL if any(d.severity is Severity.FAIL for d in found) else Status.WARN
    return ProbeResult(ID, status, summary, facts, (evidence,), tuple(found))
