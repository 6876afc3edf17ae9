"""Is there a built extension, does it export the right PyInit_, is it fresh, does it import?"""

from __future__ import annotations

from pathlib import Path

from pyo3_doctor.context import Context
from pyo3_doctor.machine.elfsyms import exported_symbols
from pyo3_doctor.machine.importcheck import (
    SUFFIXES,
    artifacts,
    artifacts_any,
    imported,
)
from pyo3_doctor.machine.interpreter import in_stdlib, interpreter
from pyo3_doctor.model import Detected, ProbeResult, Severity, Status, status_of
from pyo3_doctor.project.edits import import_patch
from pyo3_doctor.project.loader import project, skip_reason
from pyo3_doctor.project.rust.source import scan

ID = "artifact"
ORDER = 120  # where reports list it
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
    "package_file",
    "package_line",
    "missing_module",
    "package_patch_file",
    "package_patch_line",
    "package_patch_old",
    "package_patch_new",
    "stray_file",
)


def _not_built(proj, facts: dict, evidence, error: str) -> ProbeResult:
    """Nothing built under the expected name: a renamed module's old build, or not yet."""
    layout, name = proj.layout, proj.layout.module_name
    others = artifacts_any(layout.extension_dir) if layout.mixed else []
    if others:  # renamed without a rebuild: the old build under its old name
        facts.update(artifact_path=proj.rel(others[0]), newest_source=_newest(proj.crate, proj))
        said = f"{name} is not built; {proj.rel(others[0])} is an older build of another name"
        if error:  # the package imports the new name: the stale build is certain to fail
            facts["import_error"] = error
            said += f"; import fails: {error}"
        found = (Detected("stale-extension-build", Severity.FAIL if error else Severity.WARN),)
        return ProbeResult(ID, status_of(found), said, facts, (evidence,), found)
    return ProbeResult(ID, Status.SKIP, f"{name} is not built or installed yet", facts, (evidence,))


def _hidden(proj, interp, hidden: Path, facts: dict, evidence) -> ProbeResult:
    """Installed, but `import` finds another module of that name first (the standard
    library's: module_name reports module-name-shadows-stdlib)."""
    layout = proj.layout
    top = layout.top_level_name
    inside = artifacts(hidden.parent, layout.extension_name) if hidden.name == "__init__.py" else []
    facts.update(artifact_path=str(inside[0] if inside else hidden), artifact_kind="installed")
    first = in_stdlib(interp, top)
    said = f"{layout.module_name} is installed ({facts['artifact_path']}), but `import {top}` "
    said += f"finds the standard library's {first} first" if first else "finds another one first"
    return ProbeResult(ID, Status.SKIP, said, facts, (evidence,))


def _stray(proj, info: dict, built: Path | None, facts: dict) -> list[Detected]:
    """An extension file of the module's name in the project root, not the one installed:
    Python run there (`python -c`, pytest from the root) puts the root first on sys.path and
    loads it instead, an old build or one for another Python."""
    layout = proj.layout
    if layout.mixed or built is None:
        return []
    ext = layout.extension_name
    loaded = {f"{ext}{info.get('ext_suffix') or ''}", f"{ext}.abi3.so", f"{ext}.so", f"{ext}.pyd"}
    strays = [p for p in artifacts(proj.root, ext) if p.name in loaded and p != built]
    if not strays:
        return []
    facts["stray_file"] = proj.rel(strays[0])
    return [Detected("stray-extension-shadows", Severity.WARN)]


def _exports(built: Path, ext: str) -> list[str]:
    symbols = exported_symbols(built)
    if symbols is None or f"PyInit_{ext}" in symbols:
        return []
    inits = sorted(s for s in symbols if s.startswith(("PyInit_", "PyModExport_")))
    return [f"exports {', '.join(inits) or 'no PyInit_'}, not PyInit_{ext}"]


def _stale(proj, built: Path, facts: dict) -> list[Detected]:
    crate = proj.crate
    sources = [*scan(crate.lib_root).files, crate.manifest]
    newest = max(sources, key=lambda p: p.stat().st_mtime if p.exists() else 0)
    if newest.exists() and newest.stat().st_mtime > built.stat().st_mtime + 1:
        facts["newest_source"] = proj.rel(newest)
        return [Detected("stale-extension-build", Severity.WARN)]
    return []


def _newest(crate, proj) -> str:
    sources = [*scan(crate.lib_root).files, crate.manifest]
    if proj.pyproject_path:
        sources.append(proj.pyproject_path)
    return proj.rel(max(sources, key=lambda p: p.stat().st_mtime if p.exists() else 0))


def _import_failure(proj, answer: dict, facts: dict) -> Detected:
    """The package's own Python code failing (a frame in a .py file of the project), or the
    extension itself."""
    frame, layout = answer.get("frame"), proj.layout
    inside = bool(frame) and proj.rel(Path(frame[0])) != frame[0]
    if not inside or "site-packages" in Path(frame[0]).parts:
        return Detected("extension-import-failed", Severity.FAIL)
    file, line = Path(frame[0]), int(frame[1])
    facts.update(package_file=proj.rel(file), package_line=line)
    missing = answer.get("missing")
    if missing and layout is not None:
        facts["missing_module"] = missing
        patch = import_patch(file, line, missing, layout.module_name)
        if patch is not None:
            facts.update(
                package_patch_file=str(file),
                package_patch_line=patch[0],
                package_patch_old=patch[1],
                package_patch_new=patch[2],
            )
    return Detected("package-import-error", Severity.FAIL)


def probe(ctx: Context) -> ProbeResult:
    proj = project(ctx)
    reason = skip_reason(proj)
    interp = interpreter(ctx)
    if reason or interp.path is None or interp.info is None:
        return ProbeResult(ID, Status.SKIP, reason or "no target interpreter")
    if ctx.no_exec:
        said = "--no-exec: not imported (importing the package runs the project's own code)"
        return ProbeResult(ID, Status.SKIP, said)
    layout, crate = proj.layout, proj.crate
    assert layout is not None and crate is not None and proj.root is not None
    ext, name = layout.extension_name, layout.module_name
    local = artifacts(layout.extension_dir, ext) if layout.mixed else []
    ran = imported(ctx)
    assert ran is not None
    answer, evidence = ran
    origin = answer.get("origin")
    built = Path(origin) if origin and Path(origin).suffix in SUFFIXES else None
    if built is None and origin and Path(origin).name == "__init__.py":
        # pure layout: maturin installs a package folder holding <name>/<name>.<suffix>
        inside = artifacts(Path(origin).parent, ext)
        built = inside[0] if inside else None
    built = built or (local[0] if local else None)
    facts: dict = {"import_name": name, "expected_symbol": f"PyInit_{ext}"}
    missing = str(answer.get("error", "")).startswith("ModuleNotFoundError")
    hidden = answer.get("shadowed")
    if built is None and hidden and (missing or not answer.get("error")):
        return _hidden(proj, interp, Path(hidden), facts, evidence)
    if built is None and (missing or not answer.get("error")):
        return _not_built(proj, facts, evidence, str(answer.get("error") or ""))
    found: list[Detected] = []
    notes: list[str] = []
    if built is not None:
        facts.update(
            artifact_path=str(built),
            artifact_kind="source folder" if built in local else "installed",
        )
        notes += _exports(built, ext)
        found += _stale(proj, built, facts)
    error = answer.get("error")
    if error:
        facts["import_error"] = error
        found.insert(0, _import_failure(proj, answer, facts))
    shadow = layout.mixed and layout.python_root == proj.root and built is not None
    if shadow and built not in local and layout.package_dir is not None:
        facts.update(python_package_dir=proj.rel(layout.package_dir), shadow_dir=str(proj.root))
        found.append(Detected("mixed-layout-shadowing", Severity.WARN))
    found += _stray(proj, interp.info, built, facts)
    where = "no built file found"
    if built is not None:
        where = proj.rel(built) if built in local else str(built)
    summary = f"{name}: {where}"
    summary += "".join(f"; {n}" for n in notes)
    summary += f"; import fails: {error}" if error else "; imports"
    if "stray_file" in facts:
        summary += f", except from the project root: {facts['stray_file']} there shadows it"
    status = status_of(found)
    return ProbeResult(ID, status, summary, facts, (evidence,), tuple(found))
