"""The project under examination: where it is, its parsed files, and its PyO3 version.

Found from `--project` or by searching upward from the working directory. Files are read
with tomllib (never written here); a file that does not parse is recorded with its
file:line:column and the rest of the analysis carries on without it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from packaging.version import Version

from pyo3_doctor.context import Context, cargo_home
from pyo3_doctor.kb.version_spec import version_or_none
from pyo3_doctor.project.cargo import Crate, admits, read_crate, requirement_problems, table
from pyo3_doctor.project.layout import Layout, resolve
from pyo3_doctor.project.maturin_config import CARGO_TOML, Problem, refused
from pyo3_doctor.project.pathdeps import PathCrate, read_path_crates
from pyo3_doctor.project.semver_req import requirement_error
from pyo3_doctor.system.files import read_bytes_bounded, read_text_bounded, relative
from pyo3_doctor.system.tomlfile import MAX_BYTES, TomlError, read_toml
from pyo3_doctor.system.tomlkeys import key_position

__all__ = ["Project", "find_root", "load", "project", "table"]


@dataclass(frozen=True)
class Project:
    """The project a check looks at: its files as parsed, and what follows from them."""

    root: Path | None  # None: no project found
    pyproject_path: Path | None = None
    cargo_path: Path | None = None
    pyproject: Mapping[str, Any] = field(default_factory=dict)
    cargo: Mapping[str, Any] = field(default_factory=dict)
    lock_path: Path | None = None
    errors: tuple[TomlError, ...] = ()
    pyo3_requirement: str = ""  # as written in Cargo.toml ("0.27", "=0.26.0", ...)
    pyo3_requirement_refused: bool = False  # cargo cannot parse it ("0.2x")
    pyo3_locked: Version | None = None  # from Cargo.lock
    pyo3_features: tuple[str, ...] = ()  # features on the pyo3 dependency itself
    workspace_path: Path | None = None  # the workspace root manifest, if another file
    crate: Crate | None = None  # the lib crate maturin builds
    layout: Layout | None = None  # how maturin resolves it (needs a crate)
    cargo_config: tuple[tuple[Path, Mapping[str, Any]], ...] = ()  # nearest first
    path_crates: tuple[PathCrate, ...] = ()  # the lib crate's `path` dependencies

    def rel(self, path: Path | None) -> str:
        """`path` as a user reads it: relative to the project root ("" for no path)."""
        if path is None:
            return ""
        shown = relative(path, self.root) if self.root else None
        return shown if shown is not None else str(path)

    @property
    def uses_setuptools_rust(self) -> bool:
        requires = " ".join(self.build_requires).lower()
        return "setuptools-rust" in requires or "setuptools_rust" in requires

    def config_values(self, *keys: str) -> list[tuple[Path, Any]]:
        """A key's values across .cargo/config.toml files, nearest first."""
        found = []
        for path, data in self.cargo_config:
            value = table(data, *keys[:-1]).get(keys[-1])
            if value is not None:
                found.append((path, value))
        return found

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
    def other_backend(self) -> str:
        """The build backend when pyproject.toml names one that is not maturin and nothing
        else points at maturin (no [tool.maturin], maturin not in build requires)."""
        backend = self.build_backend
        if not backend or self.uses_maturin:
            return ""
        if any("maturin" in r.lower() for r in self.build_requires):
            return ""  # an in-tree backend wrapping maturin
        return backend

    @property
    def pyo3_lock_stale(self) -> bool:
        """Cargo.lock holds a PyO3 that Cargo.toml's requirement no longer admits (it was
        just edited): the next build resolves again, so the lock says nothing about it."""
        locked = self.pyo3_locked
        return locked is not None and admits(self.pyo3_requirement, locked) is False

    @property
    def pyo3_version(self) -> Version | None:
        """The resolved PyO3 version: Cargo.lock's, while the requirement admits it, else
        the lowest the requirement allows; none while cargo cannot parse the requirement
        (nothing builds until it is fixed)."""
        if self.pyo3_requirement_refused:
            return None
        if self.pyo3_locked and not self.pyo3_lock_stale:
            return self.pyo3_locked
        found = re.search(r"\d+(\.\d+){0,2}", self.pyo3_requirement)
        if not found:
            return None
        return version_or_none(found.group(0))


def _present(path: Path) -> bool:
    """A file, or a name that cannot be one (a symlink loop, a dangling link): the latter
    must be reported as unreadable rather than make the project vanish."""
    try:  # a FIFO or a device by that name counts too: it is reported, never read
        return (path.exists() and not path.is_dir()) or path.is_symlink()
    except (OSError, RuntimeError):
        return True


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
        if _present(folder / "pyproject.toml"):
            return folder
        if _present(folder / "Cargo.toml"):
            if _present(folder.parent / "pyproject.toml"):
                return folder.parent
            return folder
    return None


def _load(path: Path, errors: list) -> dict[str, Any]:
    try:
        return read_toml(path)
    except TomlError as exc:
        errors.append(exc)
        return {}


# cargo writes each locked package as `[[package]]`, `name = "..."`, `version = "..."`: read
# that way, a big lock costs one regex pass, where parsing it as TOML (pure Python before
# 3.11's tomllib, and slow there too) took seconds for a few MB
_LOCKED = re.compile(r'^name = "(pyo3(?:-ffi)?)"\r?\nversion = "([^"\r\n]+)"', re.M)


def _locked(path: Path) -> Version | None:
    """The highest PyO3 version in a Cargo.lock (pyo3's, else pyo3-ffi's)."""
    raw = read_bytes_bounded(path, MAX_BYTES)
    text = raw.decode("utf-8", "replace") if raw else ""
    found: dict[str, list[Version]] = {}
    for name, text_version in _LOCKED.findall(text):
        version = version_or_none(text_version)
        if version is not None:
            found.setdefault(name, []).append(version)
    versions = found.get("pyo3") or found.get("pyo3-ffi")
    return max(versions) if versions else None


def _upward(start: Path, name: str, levels: int = 4) -> Path | None:
    for folder in (start, *start.parents)[: levels + 1]:
        if (folder / name).is_file():
            return folder / name
    return None


def _workspace_root(crate_dir: Path, levels: int = 4) -> Path | None:
    """The nearest Cargo.toml above the crate that has a [workspace] table."""
    for folder in list(crate_dir.parents)[:levels]:
        manifest = folder / "Cargo.toml"
        if manifest.is_file():
            try:
                if "workspace" in read_toml(manifest):
                    return manifest
            except TomlError:
                return None
    return None


def cargo_config(start: Path, env: Mapping[str, str]) -> tuple[tuple[Path, Any], ...]:
    """Cargo's config files as Cargo reads them: from `start` upward, then CARGO_HOME.

    In a folder with both, Cargo reads `config` (the older name) and ignores `config.toml`.
    """
    found: list[tuple[Path, Any]] = []
    for folder in [*(f / ".cargo" for f in (start, *start.parents)), cargo_home(env)]:
        for name in ("config", "config.toml"):
            path = folder / name
            if path.is_file() and all(p != path for p, _ in found):
                with contextlib.suppress(TomlError):
                    found.append((path, read_toml(path)))
                break
    return tuple(found)


def load(ctx: Context) -> Project:
    root = find_root(ctx.project_dir or ctx.cwd)
    if root is None:
        return Project(None)
    errors: list = []
    pyproject_path = root / "pyproject.toml"
    pyproject = _load(pyproject_path, errors) if _present(pyproject_path) else {}
    manifest = table(pyproject, "tool", "maturin").get("manifest-path")
    candidates = [root / manifest] if isinstance(manifest, str) else []
    candidates += [root / "Cargo.toml", root / "rust" / "Cargo.toml"]
    cargo_path = next((p for p in candidates if _present(p)), None)
    cargo = _load(cargo_path, errors) if cargo_path else {}
    workspace: Mapping[str, Any] = cargo
    ws_path = lock_path = crate = layout = None
    config: tuple = ()
    path_crates: tuple[PathCrate, ...] = ()
    if cargo_path:
        ws_dir = cargo_path.parent
        if "workspace" not in cargo:
            ws_path = _workspace_root(cargo_path.parent)
            if ws_path:
                workspace = _load(ws_path, [])
                ws_dir = ws_path.parent
        lock_path = _upward(cargo_path.parent, "Cargo.lock")
        if "package" in cargo:
            crate = read_crate(cargo_path, cargo, workspace, ws_dir)
            path_crates = read_path_crates(crate, workspace, ws_dir)
            pyproject_file = pyproject_path if pyproject else None
            layout = resolve(root, pyproject_file, pyproject, crate, path_crates)
        config = cargo_config(cargo_path.parent, ctx.env)
    dep = crate.pyo3 if crate else None
    locked = _locked(lock_path) if lock_path else None
    if cargo_path:
        errors += _at(cargo_path, requirement_problems(cargo))
        if "package" in cargo:  # a workspace root is maturin-workspace-root's business
            errors += _at(cargo_path, refused(cargo, CARGO_TOML))
    if ws_path:
        errors += _at(ws_path, requirement_problems(workspace))
    proj = Project(
        root=root,
        pyproject_path=pyproject_path if _present(pyproject_path) else None,
        cargo_path=cargo_path,
        pyproject=pyproject,
        cargo=cargo,
        lock_path=lock_path,
        errors=tuple(errors),
        pyo3_requirement=dep.requirement if dep else "",
        pyo3_requirement_refused=bool(
            dep and dep.requirement and requirement_error(dep.requirement)
        ),
        pyo3_locked=locked,
        pyo3_features=dep.features if dep else (),
        workspace_path=ws_path,
        crate=crate,
        layout=layout,
        cargo_config=config,
        path_crates=path_crates,
    )
    if _maturin_reads(proj):
        assert proj.pyproject_path is not None
        errors += _at(proj.pyproject_path, refused(proj.pyproject))
    return replace(proj, errors=tuple(errors))


def _maturin_reads(proj: Project) -> bool:
    """Whether maturin reads this pyproject.toml into its types when it builds the crate: it
    parsed, it is the project's (a crate beside it), and no other backend builds it."""
    path = proj.pyproject_path
    if path is None or proj.cargo_path is None or not maturin_builds(proj):
        return False
    return not any(e.path == str(path) for e in proj.errors)


def _at(path: Path, problems: list[Problem]) -> list[TomlError]:
    """Problems found in a file that parses, each at the line and column of its key."""
    if not problems:
        return []
    text = read_text_bounded(path, MAX_BYTES) or ""
    return [TomlError(str(path), *key_position(text, p.keys), p.message) for p in problems]


MAX_MEMBERS = 64  # workspace members read when looking for the extension crate


def pyo3_members(proj: Project) -> list[Path]:
    """The members of a virtual workspace (a Cargo.toml with [workspace] and no [package])
    that depend on pyo3: the crates maturin could build, when it is run at the root."""
    if proj.cargo_path is None or "package" in proj.cargo or "workspace" not in proj.cargo:
        return []
    members = table(proj.cargo, "workspace").get("members", [])
    root = proj.cargo_path.parent
    found: list[Path] = []
    for pattern in members if isinstance(members, list) else []:
        if not isinstance(pattern, str) or pattern.startswith(("/", "..")):
            continue
        for folder in sorted(root.glob(pattern))[:MAX_MEMBERS]:
            manifest = folder / "Cargo.toml"
            try:
                data = read_toml(manifest) if manifest.is_file() else {}
            except TomlError:
                continue
            if "package" in data:
                crate = read_crate(manifest, data, proj.cargo, root)
                if crate.pyo3 is not None:
                    found.append(manifest)
    return found


def project(ctx: Context) -> Project:
    return ctx.shared("project", load)


def not_pyo3_reason(proj: Project, cwd: Path) -> str:
    """Why this is no PyO3 project, or "" when it is one: a crate that uses pyo3 or pyo3-ffi,
    a maturin or setuptools-rust build, or a workspace that holds such a crate."""
    if proj.root is None:
        return f"no pyproject.toml or Cargo.toml in {cwd} or above"
    if proj.crate is not None and proj.crate.pyo3 is not None:
        return ""
    if proj.uses_maturin or proj.uses_setuptools_rust or pyo3_members(proj):
        return ""
    if proj.cargo_path is None:
        return f"{proj.root} has a pyproject.toml but no Cargo.toml and no Rust build backend"
    return f"the crate at {proj.cargo_path} does not depend on pyo3"


def maturin_builds(proj: Project) -> bool:
    """Whether maturin builds this project, so that `maturin develop` is how it is built and
    installed while working on it: pyproject.toml says so, or names no other backend (nor is
    the project a setup.py one, which pip builds with setuptools when no backend is named)
    and the crate has a library (or is a workspace) for maturin to build."""
    if proj.uses_maturin:
        return True
    if proj.other_backend or proj.uses_setuptools_rust:
        return False
    if not proj.build_backend and proj.root is not None and (proj.root / "setup.py").is_file():
        return False
    return proj.crate is None or proj.crate.has_lib


def skip_reason(proj: Project) -> str:
    """Why maturin's module-name rules do not apply here, or "" when they do."""
    if proj.uses_setuptools_rust and not proj.uses_maturin:
        return "built with setuptools-rust, which names modules in setup.py/pyproject"
    other = proj.other_backend
    if other:
        return f"pyproject.toml builds with {other}, not maturin"
    if proj.root is None or proj.crate is None or proj.layout is None:
        return "no Rust crate with a [package] table"
    if proj.layout.bindings != "pyo3":
        kind = proj.layout.bindings or "no"
        return f"{kind} bindings ({proj.layout.bindings_source}): no #[pymodule] to match"
    return ""
