"""Does the module maturin builds match the PyInit_ symbol the Rust code exports?"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from pyo3_doctor.context import Context
from pyo3_doctor.machine.interpreter import in_stdlib, interpreter
from pyo3_doctor.model import Detected, ProbeResult, fail, judged, skipped, warn
from pyo3_doctor.project.edits import rust_patch, rust_rename, toml_set
from pyo3_doctor.project.layout import unknown_keys
from pyo3_doctor.project.loader import Project, project, skip_reason, table
from pyo3_doctor.project.rust.source import EntryPoint, Scan, scan
from pyo3_doctor.system.files import read_text_bounded, source_files

ID = "module_name"
ORDER = 80  # where reports list it
TITLE = "Module name"
FACTS = (
    "module_name",
    "module_name_source",
    "module_name_file",
    "module_name_key",
    "module_place",
    "layout",
    "python_source_dir",
    "pymodule_name",
    "pymodule_name_value",
    "pymodule_item",
    "pymodule_location",
    "rust_diff",
    "toml_diff",
    "rust_patch_file",
    "rust_patch_line",
    "rust_patch_old",
    "rust_patch_new",
    "python_imports_pymodule",
    "module_name_fix_file",
    "module_name_fix_key",
    "module_name_fixed",
    "unknown_key",
    "known_key",
    "bindings",
    "stdlib_module",
    "dist_name",
    "dist_import_name",
    "module_import",
)


def _fix_target(proj: Project) -> tuple[str, str]:
    """The TOML key to write a module name into: the one in force, else a new module-name."""
    layout = proj.layout
    assert layout is not None
    if layout.key in ("tool.maturin.module-name", "lib.name"):
        return proj.rel(layout.file), layout.key
    if proj.pyproject_path is not None:
        return "pyproject.toml", "tool.maturin.module-name"
    return proj.rel(proj.cargo_path), "lib.name"


def _layout_facts(proj: Project) -> dict:
    layout = proj.layout
    assert layout is not None
    ext = layout.extension_name
    place = layout.extension_dir if layout.mixed else Path("<site-packages>") / ext
    return {
        "module_name": ext,
        "module_name_source": f"{layout.source} = {layout.module_name!r}",
        "module_name_file": proj.rel(layout.file),
        "module_name_key": layout.key,
        "module_place": proj.rel(place) if layout.mixed else str(place),
        "layout": "mixed" if layout.mixed else "pure",
        "python_source_dir": proj.rel(layout.python_root) or ".",
        "bindings": layout.bindings,
        **_dist_names(proj),
    }


def _dist_names(proj: Project) -> dict:
    """The name pip installs the project as, and the import people guess from it, where
    that guess is not the module maturin builds (`pip install fast-demo`, `import ftdemo`)."""
    layout, crate = proj.layout, proj.crate
    assert layout is not None and crate is not None
    name = table(proj.pyproject, "project").get("name") or crate.package_name
    if not isinstance(name, str):
        return {}
    guess = re.sub(r"[-.]+", "_", name)
    if not _IDENT.fullmatch(guess) or guess.lower() == layout.top_level_name.lower():
        return {}
    return {"dist_name": name, "dist_import_name": guess, "module_import": layout.top_level_name}


def _dash(proj: Project) -> Detected:
    """module-name-dash, with the name maturin would accept and where to write it."""
    layout = proj.layout
    assert layout is not None
    file, key = _fix_target(proj)
    fixed = layout.module_name.rsplit(".", 1)
    fixed[-1] = fixed[-1].replace("-", "_")
    value = ".".join(fixed) if key.startswith("tool.") else layout.extension_name.replace("-", "_")
    return fail(
        "module-name-dash",
        module_name_fix_file=file,
        module_name_fix_key=key,
        module_name_fixed=value,
    )


def probe(ctx: Context) -> ProbeResult:
    result = _judged(ctx)
    if result.facts.get("dist_name"):  # people import the package's name, so say the module's
        said = f"{result.summary}; installed as {result.facts['dist_name']}, imported as "
        result = replace(result, summary=said + f"`import {result.facts['module_import']}`")
    shadowed = result.facts.get("stdlib_module")
    if not shadowed:
        return result
    top = project(ctx).layout.top_level_name  # type: ignore[union-attr]
    said = f"{result.summary}; `import {top}` finds the standard library's {shadowed} first"
    return replace(result, summary=said)


def _judged(ctx: Context) -> ProbeResult:
    proj = project(ctx)
    reason = skip_reason(proj)
    if reason:
        return skipped(ID, reason)
    layout, crate = proj.layout, proj.crate
    assert layout is not None and crate is not None
    ext = layout.extension_name
    facts = _layout_facts(proj)
    found = [
        warn("maturin-config-unknown-key", unknown_key=k, known_key=m)
        for k, m in unknown_keys(table(proj.pyproject, "tool", "maturin"))
        if m
    ]
    found += _shadows_stdlib(ctx, layout.top_level_name, facts)
    if "-" in ext:
        return judged(ID, f"module name {ext!r} contains '-'", facts, (), [*found, _dash(proj)])
    if not crate.lib_root.is_file():
        return skipped(ID, f"no lib source at {proj.rel(crate.lib_root)}", facts, found=found)
    result = scan(crate.lib_root)
    where = f"{layout.module_name} ({layout.source})"
    match = next((e for e in result.entries if e.name == ext), None)
    if match is None:
        # A thin crate may compile its entry point in from a path dependency.
        match, elsewhere, source = _in_path_dependencies(proj, ext, result)
        if match is None and not result.entries:
            if source is None:
                why = result.why_not_found + (f"; {elsewhere}" if elsewhere else "")
                return skipped(ID, f"entry point not found: {why}", facts, found=found)
            result = source  # its modules are the ones this crate exports
    if match is not None:
        location = f"{proj.rel(match.file)}:{match.line}"
        facts.update(pymodule_name=match.name, pymodule_item=match.item, pymodule_location=location)
        return judged(ID, f"{where} matches {match.item} at {location}", facts, (), found)
    hidden = result.may_define(ext)
    if hidden:  # the sources seen export other modules; PyInit_<ext> may still be out of sight
        names = ", ".join(f"PyInit_{e.name}" for e in result.entries)
        summary = f"{where}: {names} seen, PyInit_{ext} not, but {hidden}"
        return skipped(ID, summary, facts, found=found)
    entry = _exported(result)
    mismatch = _mismatch(proj, entry)
    facts.update(mismatch.details)
    others = ", ".join(e.name for e in result.entries if e is not entry)
    also = f" (also exported: {others})" if others else ""
    summary = f"maturin builds {where} but {mismatch.location} exports PyInit_{entry.name}{also}"
    return judged(ID, summary, facts, (), [mismatch, *found])


def _shadows_stdlib(ctx: Context, top: str, facts: dict) -> list[Detected]:
    """module-name-shadows-stdlib when the target interpreter's standard library has a
    module by the name `import` looks up first: it finds that one before site-packages."""
    where = in_stdlib(interpreter(ctx), top) if top else ""
    if not where:
        return []
    facts["stdlib_module"] = where
    return [fail("module-name-shadows-stdlib", import_name=top, stdlib_module=where)]


def _exported(result: Scan) -> EntryPoint:
    """The entry point the built library exports: a top-level one, in lib.rs if any is."""
    top = result.top_level
    at_root = [e for e in top if e.file.resolve() == result.files[0]]
    return (at_root or list(top))[0]


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _mismatch(proj: Project, entry: EntryPoint) -> Detected:
    """module-name-mismatch, with both ways to fix it (TOML key or Rust name) as details."""
    layout = proj.layout
    assert layout is not None
    ext = layout.extension_name
    location = f"{proj.rel(entry.file)}:{entry.line}"
    file, key = _fix_target(proj)
    value_parts = layout.module_name.rsplit(".", 1) if key.startswith("tool.") else [ext]
    value_parts[-1] = entry.name
    toml_file = proj.pyproject_path if file == "pyproject.toml" else (proj.root / file)
    # a name no Python import (or Rust) can write is never put into a file: no fix as data
    writable = all(_IDENT.fullmatch(part) for part in value_parts) and _IDENT.fullmatch(ext)
    details = {
        "pymodule_name": entry.name,
        "pymodule_name_value": ".".join(value_parts) if writable else None,
        "pymodule_item": entry.item,
        "pymodule_location": location,
        "module_name_file": file,
        "module_name_key": key,
        "rust_diff": rust_rename(entry, ext, proj.rel(entry.file), proj.pyo3_version),
        "toml_diff": toml_set(toml_file, file, key, f'"{".".join(value_parts)}"'),
    }
    importer = _python_importer(proj, entry.name)
    if importer is not None:  # the package's code already uses the Rust name
        details["python_imports_pymodule"] = importer
    patch = rust_patch(entry, ext, proj.pyo3_version) if writable else None
    if patch is not None:  # the Rust-side fix as data, so it can be applied (fixing.steps)
        details.update(
            rust_patch_file=proj.rel(entry.file),
            rust_patch_line=str(patch[0]),
            rust_patch_old=patch[1],
            rust_patch_new=patch[2],
        )
    return fail("module-name-mismatch", location=location, **details)


def _python_importer(proj: Project, name: str) -> str | None:
    """In a mixed layout, the first `file:line` of the package's Python code that imports
    the extension by `name` (`from ._native import`, `from pkg import _native`)."""
    layout = proj.layout
    assert layout is not None
    if not layout.mixed or not _IDENT.fullmatch(name):
        return None
    parts = layout.module_name.split(".")
    package = re.escape(".".join(parts[:-1]) or parts[0])  # undotted: pk/pk.so is pk.pk
    relative = rf"from\s+\.+\s*{name}\b|from\s+\.+\s+import\s+(?:\(\s*)?{name}\b"
    absolute = rf"from\s+{package}\.{name}\b|import\s+{package}\.{name}\b"
    pattern = re.compile(
        rf"^\s*(?:{relative}|{absolute}|from\s+{package}\s+import\s+{name}\b)", re.M
    )
    for path in source_files(layout.extension_dir, ".py", limit=50):
        text = read_text_bounded(path, 200_000) or ""
        found = pattern.search(text)
        if found:
            return f"{proj.rel(path)}:{text.count(chr(10), 0, found.start()) + 1}"
    return None


def _in_path_dependencies(
    proj: Project, ext: str, own: Scan
) -> tuple[EntryPoint | None, str, Scan | None]:
    """Look for `ext`'s entry point in the path dependencies that use pyo3.

    Returns (the match, what they export instead, the scan of the one dependency whose
    modules this crate re-exports when that is unambiguous: the crate itself exports no
    module, names no hidden source, and `pub use`s exactly one such dependency).
    """
    others: list[str] = []
    scans: dict[str, Scan] = {}
    for dep in proj.path_crates:
        if not dep.uses_pyo3 or not dep.crate.lib_root.is_file():
            continue
        found = scans[dep.ident] = scan(dep.crate.lib_root)
        match = next((e for e in found.entries if e.name == ext), None)
        if match is not None:
            return match, "", None
        others += [f"PyInit_{e.name}" for e in found.entries]
    if not others:
        return None, "", None
    elsewhere = f"its path dependencies export {', '.join(others[:4])}"
    reexported = [scans[r] for r in own.reexports if r in scans and scans[r].entries]
    certain = not own.entries and not own.may_define(ext)
    if certain and len(reexported) == 1 and not reexported[0].may_define(ext):
        return None, elsewhere, reexported[0]
    return None, elsewhere, None
