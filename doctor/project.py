"""The project under examination: where it is, its parsed files, and its PyO3 version.

Found from `--project` or by searching upward from the working directory. Files are read
with tomllib (never written here); a file that does not parse is recorded with its
file:line:column and the rest of the analysis carries on without it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from doctor.context import Context
from doctor.tomlfile import TomlError, read_toml


def table(data: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    """data[k1][k2]..., or {} where a level is missing or not a table (files can be wrong)."""
    for key in keys:
        data = data.get(key) if isinstance(data, Mapping) else None  # type: ignore[assignment]
    return data if isinstance(data, Mapping) else {}


@dataclass(frozen=True)
class Project:
    root: Path | None  # None: no project found
    pyproject_path: Path | None = None
    cargo_path: Path | None = None
    pyproject: Mapping[str, Any] = field(default_factory=dict)
    cargo: Mapping[str, Any] = field(default_factory=dict)
    lock_path: Path | None = None
    errors: tuple[TomlError, ...] = ()
    pyo3_requirement: str = ""  # as written in Cargo.toml ("0.27", "=0.26.0", ...)
    pyo3_locked: Version | None = None  # from Cargo.lock
    pyo3_features: tuple[str, ...] = ()  # features on the pyo3 dependency itself

    @property
    def build_backend(self) -> str:
        return str(table(self.pyproject, "build-system").get("build-backend", ""))

    @property
    def build_requires(self) -> tuple[str, ...]:
        requires = table(self.pyproject, "build-system").get("requires", [])
        return tuple(str(r) for r in requires) if isinstance(requires, list) else ()

    @property
    def maturin_config(self) -> Mapping[str, Any]:
        return table(self.pyproject, "tool", "maturin")

    @property
    def uses_maturin(self) -> bool:
        return self.build_backend == "maturin" or bool(self.maturin_config)

    @property
    def pyo3_version(self) -> Version | None:
        """The resolved PyO3 version: Cargo.lock, else the lowest the requirement allows."""
        if self.pyo3_locked:
            return self.pyo3_locked
        found = re.search(r"\d+(\.\d+){0,2}", self.pyo3_requirement)
        if not found:
            return None
        try:
            return Version(found.group(0))
        except InvalidVersion:
            return None


def find_root(start: Path) -> Path | None:
    """The nearest directory at or above `start` holding pyproject.toml or Cargo.toml.

    A crate in `rust/` (or named by `manifest-path`) of a Python project one level up
    belongs to that project, so a Cargo.toml-only directory defers to a parent pyproject.
    """
    try:
        here = start.resolve()
    except (OSError, RuntimeError):
        return None
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
        if (folder / "Cargo.toml").is_file():
            if (folder.parent / "pyproject.toml").is_file():
                return folder.parent
            return folder
    return None


def _load(path: Path, errors: list) -> dict[str, Any]:
    try:
        return read_toml(path)
    except TomlError as exc:
        errors.append(exc)
        return {}


def _pyo3_dependency(
    cargo: Mapping[str, Any], workspace: Mapping[str, Any]
) -> tuple[str, tuple[str, ...]]:
    """The pyo3 requirement and features, following `workspace = true`."""
    dep = table(cargo, "dependencies").get("pyo3")
    features: list = []
    if isinstance(dep, dict) and dep.get("workspace") is True:
        features = list(dep.get("features", []))
        dep = table(workspace, "workspace", "dependencies").get("pyo3")
    if isinstance(dep, str):
        return dep, tuple(features)
    if isinstance(dep, dict):
        features += [f for f in dep.get("features", []) if isinstance(f, str)]
        return str(dep.get("version", "")), tuple(features)
    return "", ()


def _locked(lock: Mapping[str, Any], name: str) -> Version | None:
    versions = []
    packages = lock.get("package", [])
    for pkg in packages if isinstance(packages, list) else []:
        if isinstance(pkg, dict) and pkg.get("name") == name:
            try:
                versions.append(Version(str(pkg.get("version"))))
            except InvalidVersion:
                continue
    return max(versions) if versions else None


def _upward(start: Path, name: str, levels: int = 4) -> Path | None:
    for folder in (start, *start.parents)[: levels + 1]:
        if (folder / name).is_file():
            return folder / name
    return None


def load(ctx: Context) -> Project:
    root = find_root(ctx.project_dir or ctx.cwd)
    if root is None:
        return Project(None)
    errors: list = []
    pyproject_path = root / "pyproject.toml"
    pyproject = _load(pyproject_path, errors) if pyproject_path.is_file() else {}
    manifest = table(pyproject, "tool", "maturin").get("manifest-path")
    candidates = [root / manifest] if isinstance(manifest, str) else []
    candidates += [root / "Cargo.toml", root / "rust" / "Cargo.toml"]
    cargo_path = next((p for p in candidates if p.is_file()), None)
    cargo = _load(cargo_path, errors) if cargo_path else {}
    workspace: Mapping[str, Any] = cargo
    lock_path = None
    if cargo_path:
        if "workspace" not in cargo:
            ws_path = _upward(cargo_path.parent.parent, "Cargo.toml")
            if ws_path and ws_path != cargo_path:
                workspace = _load(ws_path, [])
        lock_path = _upward(cargo_path.parent, "Cargo.lock")
    lock = _load(lock_path, errors) if lock_path else {}
    requirement, features = _pyo3_dependency(cargo, workspace)
    return Project(
        root=root,
        pyproject_path=pyproject_path if pyproject_path.is_file() else None,
        cargo_path=cargo_path,
        pyproject=pyproject,
        cargo=cargo,
        lock_path=lock_path,
        errors=tuple(errors),
        pyo3_requirement=requirement,
        pyo3_locked=_locked(lock, "pyo3") if lock else None,
        pyo3_features=features,
    )


def project(ctx: Context) -> Project:
    return ctx.shared("project", load)
