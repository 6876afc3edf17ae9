"""The import check of a built extension: run in the target interpreter, in a subprocess.

Kept apart from the artifact probe, which decides what the answer means.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pyo3_doctor.context import Context
from pyo3_doctor.machine.interpreter import interpreter
from pyo3_doctor.model import Evidence
from pyo3_doctor.project.loader import project, skip_reason
from pyo3_doctor.system.proc import run_tool

# Runs in the target interpreter from "/" (nothing in the project shadows anything) unless a
# source folder is given; prints where the module comes from, or the import error verbatim,
# and where a later sys.path entry has another top-level module of that name (one that the
# first, the standard library's say, hides).
IMPORT = r"""
import importlib, importlib.util, json, sys, traceback
name, extra = sys.argv[1], sys.argv[2]
if extra:
    sys.path.insert(0, extra)
out = {}
try:
    from importlib.machinery import PathFinder
    top = name.partition(".")[0]
    first = importlib.util.find_spec(top)
    for entry in sys.path:
        other = PathFinder.find_spec(top, [entry])
        if first and other and other.origin and other.origin != first.origin:
            out["shadowed"] = other.origin
            break
except Exception:
    pass
try:
    spec = importlib.util.find_spec(name)
    out["origin"] = spec.origin if spec else None
    if spec:
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            # a free-threaded CPython says so when a module turns the GIL back on
            warnings.filterwarnings("always", ".*GIL.*", RuntimeWarning)
            importlib.import_module(name)
        said = [str(w.message) for w in caught if "GIL" in str(w.message)]
        for w in caught:  # the others, as they would have been shown
            if "GIL" not in str(w.message):
                warnings.showwarning(w.message, w.category, w.filename, w.lineno)
        out["gil_warning"] = said[0] if said else None
        gil = getattr(sys, "_is_gil_enabled", None)
        out["gil_enabled"] = gil() if gil else None
except BaseException as exc:
    out["error"] = traceback.format_exception_only(type(exc), exc)[-1].strip()
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".py")]
    if frames and not frames[-1].filename.startswith("<"):
        out["frame"] = [frames[-1].filename, frames[-1].lineno]
    out["missing"] = getattr(exc, "name", None) if isinstance(exc, ImportError) else None
print(json.dumps(out))
"""
SUFFIXES = (".so", ".pyd", ".dylib")


def interpreter_path(ctx: Context) -> str | None:
    """The interpreter binary itself (a pyenv shim costs a shell and pyenv on every start)."""
    info = interpreter(ctx).info
    return info.get("executable") if info else None


def artifacts(folder: Path, ext: str) -> list[Path]:
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob(f"{ext}.*") if p.suffix in SUFFIXES]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def artifacts_any(folder: Path) -> list[Path]:
    """Every built extension in a folder, newest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file()]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)[:20]


def import_argv(ctx: Context) -> tuple[str, ...] | None:
    """The import check to run, or None when it does not apply."""
    proj = project(ctx)
    python = interpreter_path(ctx)
    layout = proj.layout
    if skip_reason(proj) or python is None or layout is None:
        return None
    local = artifacts(layout.extension_dir, layout.extension_name) if layout.mixed else []
    extra = str(layout.python_root) if local else ""
    return (python, "-c", IMPORT, layout.module_name, extra)


def known_absent(ctx: Context, argv: tuple[str, ...]) -> Evidence | None:
    """The interpreter's own look-up, when it already says the import would find nothing.

    Only a module with no built file in the source folder qualifies (that one is imported
    from there), and only a top-level name was looked up: the interpreter imports nothing.
    """
    layout = project(ctx).layout
    interp = interpreter(ctx)
    lookup = (interp.info or {}).get("lookup") or {}
    looked_up = layout is not None and lookup.get("name") == layout.top_level_name
    if argv[4] or not looked_up or lookup.get("origin"):
        return None
    note = "looked up by the inspect run, without importing"
    shown = (interp.path or argv[0], "-c", "<look up>", lookup["name"])
    return Evidence(shown, 0, json.dumps(lookup), note)


def imported(ctx: Context) -> tuple[dict, Evidence] | None:
    """The import check's answer, run once per check whichever probe asks; None where it
    does not apply."""

    def run(ctx: Context) -> tuple[dict, Evidence] | None:
        argv = import_argv(ctx)
        return None if argv is None else run_import(ctx, argv)

    return ctx.shared("import", run)


def run_import(ctx: Context, argv: tuple[str, ...]) -> tuple[dict, Evidence]:
    if ctx.no_exec:  # importing the package runs its __init__.py: the project's own code
        note = "--no-exec: the package was not imported"
        return {"origin": None, "no_exec": True}, Evidence(argv[:2], None, "", note)
    absent = known_absent(ctx, argv)
    if absent is not None:
        return {"origin": None}, absent
    # under the probe's own deadline, which --timeout sets: a slow import is the user's to allow
    ran = run_tool(argv, ctx.env, cwd=os.path.abspath(os.sep))
    shown = Evidence((*argv[:2], "<import>", *argv[3:]), ran.exit_code, ran.output, ran.note)
    try:
        return json.loads(ran.output.strip().splitlines()[-1]), shown
    except (ValueError, IndexError):
        note = ran.note or f"exited {ran.exit_code}"
        return {"error": f"the import check did not answer ({note})"}, shown
