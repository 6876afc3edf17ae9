"""The project as maturin resolves it: bindings, module name, and where the module lands.

Follows maturin's `ProjectLayout` (src/project_layout.rs): the module name comes from
`[tool.maturin] module-name`, else an explicit `[lib] name`, else `[project] name`, else
`[package] name`, with no dash normalisation. A dotted name puts the extension (its last part)
inside the package folders before it. The layout is mixed when
`<python-source>/<first part>/` is a folder (one holding a Cargo.toml and no __init__.py is a
Rust crate, not a package). python-source defaults to the project root, or to `src/` for a
Python-first project with its crate in `rust/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyo3_doctor.project.cargo import Crate, table
from pyo3_doctor.project.maturin_config import MATURIN_KEYS  # ToolMaturin's fields
from pyo3_doctor.project.pathdeps import PathCrate, pyo3_through


@dataclass(frozen=True)
class Layout:
    """How maturin lays the project out: bindings, module name and where each part goes."""

    bindings: str  # "pyo3" | "cffi" | "uniffi" | "bin" | "" (none found)
    bindings_source: str  # "[tool.maturin] bindings" or "detected"
    module_name: str  # the full, possibly dotted, name
    source: str  # which setting gave it, as a user reads it
    key: str  # its dotted TOML key
    file: Path | None  # the file holding that key
    python_root: Path  # python-source
    package_dir: Path | None  # mixed layout: python-source/<first part>
    extension_dir: Path  # where maturin develop puts the extension in a mixed layout

    @property
    def extension_name(self) -> str:
        return self.module_name.rsplit(".", 1)[-1]

    @property
    def top_level_name(self) -> str:
        """What `import` looks up first: the whole name, or its package."""
        return self.module_name.partition(".")[0]

    @property
    def mixed(self) -> bool:
        return self.package_dir is not None


def bindings(
    tool: Mapping[str, Any], crate: Crate, path_crates: tuple[PathCrate, ...] = ()
) -> tuple[str, str]:
    """maturin's find_bridge: pyo3/pyo3-ffi, then uniffi, then cffi for a cdylib, then bin.

    maturin looks for pyo3 in the whole dependency graph, so one that comes only through a
    path dependency counts too.
    """
    chosen = tool.get("bindings")
    if isinstance(chosen, str) and chosen:
        return chosen, "[tool.maturin] bindings"
    via = pyo3_through(path_crates) if crate.pyo3 is None else None
    if (crate.pyo3 is not None and _enabled(crate, tool)) or via is not None:
        if not crate.has_lib and crate.rust_targets:
            return "bin", "detected"
        return "pyo3", f"detected through {via.crate.package_name}" if via else "detected"
    if "uniffi" in crate.dependency_names:
        return "uniffi", "detected"
    if crate.crate_types and "cdylib" in crate.crate_types:
        return "cffi", "detected"
    if crate.rust_targets:
        return "bin", "detected"
    return "", "detected"


def _enabled(crate: Crate, tool: Mapping[str, Any]) -> bool:
    """An optional pyo3 dependency counts only when default or maturin's features enable it."""
    dep = crate.pyo3
    if dep is None or not dep.optional:
        return dep is not None
    if tool.get("all-features") is True:
        return True
    chosen = {f for f in _list(tool.get("features"))}
    wanted = {dep.feature_name, f"dep:{dep.feature_name}"}
    roots = chosen | ({"default"} if tool.get("no-default-features") is not True else set())
    seen: set[str] = set()
    while roots:
        name = roots.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in wanted or name.startswith(f"{dep.feature_name}/"):
            return True
        roots |= set(crate.features.get(name, ()))
    return False


def resolve(
    root: Path,
    pyproject_path: Path | None,
    pyproject: Mapping[str, Any],
    crate: Crate,
    path_crates: tuple[PathCrate, ...] = (),
) -> Layout:
    tool = table(pyproject, "tool", "maturin")
    project_name = table(pyproject, "project").get("name")
    choices = (
        (tool.get("module-name"), "[tool.maturin] module-name", "tool.maturin.module-name"),
        (crate.lib_name or None, "[lib] name", "lib.name"),
        (project_name, "[project] name", "project.name"),
        (crate.package_name, "[package] name", "package.name"),
    )
    name, source, key = next(
        ((str(v), s, k) for v, s, k in choices if isinstance(v, str) and v),
        ("", "nothing", ""),
    )
    file = pyproject_path if key.startswith(("tool.", "project.")) else crate.manifest
    python_source = tool.get("python-source")
    if isinstance(python_source, str):
        py_root = root / python_source
    else:
        py_root = root
        if isinstance(project_name, str) and (root / "rust" / "Cargo.toml").is_file():
            packages = [project_name.replace("-", "_"), *_list(tool.get("python-packages"))]
            if any((root / "src" / p / "__init__.py").is_file() for p in packages):
                py_root = root / "src"
    parts = name.split(".")
    first = py_root / parts[0]
    is_crate = (
        first.joinpath("Cargo.toml").is_file() and not first.joinpath("__init__.py").is_file()
    )
    package_dir = first if first.is_dir() and not is_crate and name else None
    extension_dir = py_root.joinpath(*parts[:-1]) if len(parts) > 1 else first
    kind, kind_source = bindings(tool, crate, path_crates)
    return Layout(
        bindings=kind,
        bindings_source=kind_source,
        module_name=name,
        source=source,
        key=key,
        file=file,
        python_root=py_root,
        package_dir=package_dir,
        extension_dir=extension_dir,
    )


def _list(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def unknown_keys(tool: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """(written, meant) for each [tool.maturin] key maturin does not know."""
    found = []
    for key in tool:
        if key in MATURIN_KEYS:
            continue
        dashed = key.replace("_", "-").lower()
        if dashed in MATURIN_KEYS:
            found.append((key, dashed))
            continue
        import difflib  # only for a key that is misspelt

        close = difflib.get_close_matches(dashed, sorted(MATURIN_KEYS), n=1, cutoff=0.75)
        found.append((key, close[0] if close else ""))
    return tuple(found)
