"""Is there a PyO3 project here, and do its files parse?"""

from __future__ import annotations

from pyo3_doctor.context import Context
from pyo3_doctor.model import Detected, ProbeResult, Severity, Status, fail, judged
from pyo3_doctor.project.loader import not_pyo3_reason, project, pyo3_members, table
from pyo3_doctor.system.files import relative

ID = "project"
ORDER = 10  # where reports list it
TITLE = "Project files"
FACTS = (
    "project_root",
    "pyproject",
    "cargo_toml",
    "pyo3_requirement",
    "pyo3_version",
    "build_backend",
    "project_name",
    "extension_manifest",
    "file",
    "line",
    "column",
    "error",
    "no_project",
    "pyo3_members",
    "pyo3_member",
    "maturin_path_problem",
    "manifest_path_missing",
    "python_source_missing",
    "python_source_fixed",
    "python_module_missing",
    "python_package_found",
)
SEARCH_DEPTH = 2  # folders below the root looked at for the package python-source should name
MAX_CHILDREN = 200  # entries of one folder looked at
MEMBERS_SHOWN = 4  # of a workspace's members that depend on pyo3, named in the finding


def probe(ctx: Context) -> ProbeResult:
    proj = project(ctx)
    where = ctx.project_dir or ctx.cwd
    if proj.root is None:
        reason = not_pyo3_reason(proj, where)
        return ProbeResult(ID, Status.SKIP, reason, {"no_project": reason})
    facts = {
        "project_root": str(proj.root),
        "pyproject": str(proj.pyproject_path) if proj.pyproject_path else None,
        "cargo_toml": str(proj.cargo_path) if proj.cargo_path else None,
        "pyo3_requirement": proj.pyo3_requirement or None,
        "pyo3_version": str(proj.pyo3_version) if proj.pyo3_version else None,
        "build_backend": proj.build_backend or None,
        "project_name": _name(proj),
    }
    if proj.errors:
        detected = tuple(
            Detected(
                "project-file-invalid",
                Severity.FAIL,
                # no line for a file that cannot be read at all (a symlink loop, too big)
                {"file": e.path, "error": e.message}
                | ({"line": str(e.line), "column": str(e.column)} if e.line else {}),
                location=e.location,
            )
            for e in proj.errors
        )
        first = proj.errors[0]
        return ProbeResult(
            ID, Status.FAIL, f"{first.location}: {first.message}", facts, detected=detected
        )
    missing = _maturin_path_missing(proj) if proj.uses_maturin else None
    if missing is not None:
        facts.update(missing.details)
        found = [missing]
        return judged(ID, missing.details["maturin_path_problem"], facts, (), found)
    if _maturin_at_workspace_root(proj):
        return _workspace_root(proj, facts)
    if proj.errors == () and (reason := not_pyo3_reason(proj, where)):
        facts["no_project"] = reason
    parts = [p.name for p in (proj.pyproject_path, proj.cargo_path) if p]
    pyo3 = f", PyO3 {proj.pyo3_version}" if proj.pyo3_version else ", no pyo3 dependency"
    if proj.pyo3_lock_stale:
        pyo3 += (
            f" (Cargo.lock's {proj.pyo3_locked} is outside {proj.pyo3_requirement!r}:"
            " the next build resolves it again)"
        )
    if proj.cargo_path is None:
        pyo3 = ", no Cargo.toml found"
    return ProbeResult(ID, Status.OK, f"{proj.root}: {' + '.join(parts)}{pyo3}", facts)


def _maturin_at_workspace_root(proj) -> bool:
    """maturin run here reads a virtual workspace's root manifest as the crate to build (it
    takes the Cargo.toml where it runs when pyproject.toml names no manifest-path): the
    project says it builds with maturin, or it is a bare workspace whose members use pyo3."""
    if proj.crate is not None or "workspace" not in proj.cargo or "package" in proj.cargo:
        return False
    if proj.uses_maturin:
        return True
    return proj.pyproject_path is None and bool(pyo3_members(proj))


def _name(proj) -> str | None:
    name = table(proj.pyproject, "project").get("name")
    return name if isinstance(name, str) and name else None


def _workspace_root(proj, facts: dict) -> ProbeResult:
    """maturin would build {cargo_path}, a virtual workspace: name the member to build."""
    members = pyo3_members(proj)
    where = proj.rel(proj.cargo_path)
    summary = f"{where} is a Cargo workspace with no [package]: maturin has no crate to build"
    details = {}
    if len(members) == 1:
        details["extension_manifest"] = details["pyo3_member"] = proj.rel(members[0])
        summary += f"; the pyo3 member is {details['extension_manifest']}"
    elif members:
        shown = [proj.rel(m) for m in members[:MEMBERS_SHOWN]]
        details.update(pyo3_members=", ".join(shown), pyo3_member=shown[0])
        summary += f"; pyo3 members: {details['pyo3_members']}"
    facts.update(details)
    found = fail("maturin-workspace-root", location=where, **details)
    return judged(ID, summary, facts, (), [found])


def _maturin_path_missing(proj) -> Detected | None:
    """A path [tool.maturin] names that does not exist: maturin checks manifest-path,
    python-source and, under python-source, the package folder of module-name before it
    builds anything, and stops there."""
    assert proj.root is not None
    tool = table(proj.pyproject, "tool", "maturin")
    where = proj.rel(proj.pyproject_path) or "pyproject.toml"
    manifest = tool.get("manifest-path")
    if isinstance(manifest, str) and not (proj.root / manifest).is_file():
        details = {
            "manifest_path_missing": manifest,
            "maturin_path_problem": f"[tool.maturin] manifest-path {manifest!r} does not exist",
        }
        members = pyo3_members(proj)
        if len(members) == 1:
            details["extension_manifest"] = proj.rel(members[0])
        return fail("maturin-path-missing", location=where, **details)
    source = tool.get("python-source")
    layout = proj.layout
    if not isinstance(source, str) or layout is None or not layout.module_name:
        return None
    first = layout.module_name.split(".")[0]
    python_root = proj.root / source
    if not python_root.is_dir():
        details = {
            "python_source_missing": source,
            "maturin_path_problem": f"[tool.maturin] python-source {source!r} does not exist",
        }
        fixed = _folder_holding(proj.root, first)
        if fixed is not None:
            details["python_source_fixed"] = proj.rel(fixed) or "."
        return fail("maturin-path-missing", location=where, **details)
    if (python_root / first).is_dir():
        return None
    wanted = proj.rel(python_root / first)
    details = {
        "python_module_missing": wanted,
        "maturin_path_problem": (
            f"python-source is {source!r}, but the package folder {wanted} that "
            f"module-name {layout.module_name!r} needs does not exist"
        ),
    }
    inside = relative(python_root.resolve(), proj.root.resolve()) is not None
    packages = [d for d in _children(python_root) if (d / "__init__.py").is_file()]
    if inside and len(packages) == 1:
        details["python_package_found"] = proj.rel(packages[0])
    return fail("maturin-path-missing", location=where, **details)


def _folder_holding(root, package: str):
    """The folder under `root` (a few levels down, no hidden or build folders) that holds
    the Python package `package`: what python-source should name, if anything."""
    level = [root]
    for _ in range(SEARCH_DEPTH + 1):
        for folder in level:
            if (folder / package / "__init__.py").is_file():
                return folder
        level = [
            child
            for folder in level
            for child in _children(folder)
            if not child.name.startswith((".", "target", "build", "dist", "node_modules"))
        ]
    return None


def _children(folder) -> list:
    """The first folders in `folder` (no links: a checkout's link may point anywhere)."""
    try:
        names = sorted(folder.iterdir())[:MAX_CHILDREN]
    except OSError:
        return []
    return [c for c in names if c.is_dir() and not c.is_symlink()]
