"""Crates the extension pulls in by `path`, read like the extension's own manifest.

Two things depend on them. maturin detects the bindings from the whole resolved dependency
graph, so a crate whose pyo3 comes only through a path dependency still builds as pyo3. And a
thin extension crate may hold no `#[pymodule]` itself (`pub use core_py::c_api::*;`): the
entry point is compiled in from the dependency, whose `PyInit_` symbol the cdylib exports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyo3_doctor.project.cargo import Crate, read_crate
from pyo3_doctor.system.tomlfile import TomlError, read_toml

MAX_CRATES = 24  # direct path dependencies only; a workspace rarely has more


@dataclass(frozen=True)
class PathCrate:
    """A `path` dependency of the lib crate, read from its own Cargo.toml."""

    ident: str  # the name Rust code uses for it (`core_py`)
    optional: bool  # only pulled in when a feature enables it
    crate: Crate

    @property
    def uses_pyo3(self) -> bool:
        return self.crate.pyo3 is not None


def read_path_crates(
    crate: Crate, workspace: Mapping[str, Any], workspace_dir: Path | None
) -> tuple[PathCrate, ...]:
    found = []
    for ident, folder, optional in crate.path_deps[:MAX_CRATES]:
        manifest = folder / "Cargo.toml"
        try:
            if manifest.resolve() == crate.manifest.resolve() or not manifest.is_file():
                continue
            data = read_toml(manifest)
        except (TomlError, OSError, RuntimeError):
            continue
        if "package" in data:
            dep = read_crate(manifest, data, workspace, workspace_dir)
            found.append(PathCrate(ident, optional, dep))
    return tuple(found)


def pyo3_through(path_crates: tuple[PathCrate, ...]) -> PathCrate | None:
    """A path dependency that always brings pyo3 in (so maturin detects pyo3 bindings)."""
    for dep in path_crates:
        pyo3 = dep.crate.pyo3
        if not dep.optional and pyo3 is not None and not pyo3.optional:
            return dep
    return None
