"""What the Cargo manifest says about the extension: lib target, pyo3 dependency, features.

Read from the parsed Cargo.toml (and the workspace root for `workspace = true`), the way
Cargo resolves it: `[lib] name` defaults to the package name with `-` turned into `_`,
the lib root defaults to `src/lib.rs`, dependencies may sit under `[target.'cfg(..)']`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import Version

from pyo3_doctor.project.maturin_config import Problem
from pyo3_doctor.project.semver_req import requirement_error

EXTENSION_MODULE = "pyo3/extension-module"
# The tables Cargo reads dependencies from (the underscore spellings are its old aliases).
DEPENDENCY_TABLES = (
    "dependencies",
    "dev-dependencies",
    "dev_dependencies",
    "build-dependencies",
    "build_dependencies",
)


def table(data: Any, *keys: str) -> Mapping[str, Any]:
    """data[k1][k2]..., or {} where a level is missing or not a table (files can be wrong)."""
    for key in keys:
        data = data.get(key) if isinstance(data, Mapping) else None
    return data if isinstance(data, Mapping) else {}


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


@dataclass(frozen=True)
class Dependency:
    """The pyo3 (or pyo3-ffi) dependency of a crate, as Cargo resolves the manifest."""

    name: str  # "pyo3" or "pyo3-ffi"
    requirement: str  # as written ("0.27", "=0.26.0"), after workspace inheritance
    features: tuple[str, ...]
    optional: bool
    target: str  # "" or the `[target.X]` key it sits under
    key: str = ""  # the key in Cargo.toml when renamed (`py = { package = "pyo3" }`)

    @property
    def feature_name(self) -> str:
        """How features of this crate refer to the dependency (`py/abi3`, `dep:py`)."""
        return self.key or self.name


def _inherit(key: str, raw: Any, workspace: Mapping[str, Any]) -> tuple[Any, tuple[str, ...], bool]:
    """(the dependency's own spec, features added here, optional here) after `workspace = true`."""
    if isinstance(raw, Mapping) and raw.get("workspace") is True:
        features = _strs(raw.get("features"))
        optional = raw.get("optional") is True
        return table(workspace, "workspace", "dependencies").get(key), features, optional
    return raw, (), False


def package_of(key: str, raw: Any, workspace: Mapping[str, Any]) -> str:
    """The package a dependency key names: `package = "..."` renames it."""
    spec, _, _ = _inherit(key, raw, workspace)
    for value in (raw, spec):
        if isinstance(value, Mapping) and isinstance(value.get("package"), str):
            return str(value["package"])
    return key


def _dependency(
    name: str, key: str, raw: Any, workspace: Mapping[str, Any], target: str
) -> Dependency | None:
    spec, inherited, optional = _inherit(key, raw, workspace)
    features = list(inherited)
    renamed = key if key != name else ""
    if isinstance(spec, str):
        return Dependency(name, spec, tuple(features), optional, target, renamed)
    if isinstance(spec, Mapping):
        features += _strs(spec.get("features"))
        optional = optional or spec.get("optional") is True
        version = str(spec.get("version", ""))
        return Dependency(name, version, tuple(features), optional, target, renamed)
    return None


def path_dependency(
    key: str, raw: Any, manifest_dir: Path, workspace: Mapping[str, Any], workspace_dir: Path | None
) -> Path | None:
    """The folder of a `path = "..."` dependency, written here or in the workspace table."""
    if isinstance(raw, Mapping) and isinstance(raw.get("path"), str):
        return manifest_dir / raw["path"]
    spec, _, _ = _inherit(key, raw, workspace)
    if spec is not raw and isinstance(spec, Mapping) and isinstance(spec.get("path"), str):
        return (workspace_dir or manifest_dir) / spec["path"]
    return None


def requirement_problems(cargo: Mapping[str, Any]) -> list[Problem]:
    """Each dependency whose version requirement cargo cannot parse (it then refuses the
    whole manifest), in this manifest's own tables and its [workspace.dependencies]."""
    places: list[tuple[tuple[str, ...], Mapping[str, Any]]] = [
        ((name,), table(cargo, name)) for name in DEPENDENCY_TABLES
    ]
    for target, spec in table(cargo, "target").items():
        places += [(("target", target, name), table(spec, name)) for name in DEPENDENCY_TABLES]
    places.append((("workspace", "dependencies"), table(cargo, "workspace", "dependencies")))
    found = []
    for keys, deps in places:
        for key, raw in deps.items():
            where = (*keys, key)
            if isinstance(raw, Mapping):
                raw, where = raw.get("version"), (*where, "version")
            said = requirement_error(raw) if isinstance(raw, str) else None
            if said:
                message = f"failed to parse the version requirement `{raw}` for dependency `{key}`"
                found.append(Problem(where, f"{message}: {said}"))
    return found


def _dependency_tables(cargo: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    tables = [("", table(cargo, "dependencies"))]
    for target, spec in table(cargo, "target").items():
        tables.append((target, table(spec, "dependencies")))
    return tables


@dataclass(frozen=True)
class Crate:
    """One Cargo.toml read for what maturin and PyO3 care about."""

    manifest: Path
    package_name: str
    lib_name: str  # the explicit [lib] name, "" when not written
    lib_root: Path  # the lib target's root source file
    has_lib: bool  # a [lib] table or src/lib.rs
    crate_types: tuple[str, ...] | None  # [lib] crate-type; None when not written
    package_crate_type: tuple[str, ...] | None  # crate-type wrongly under [package]
    pyo3: Dependency | None  # pyo3, else pyo3-ffi (what maturin detects as pyo3 bindings)
    dependency_names: frozenset[str]
    features: Mapping[str, tuple[str, ...]]
    rust_targets: tuple[str, ...]  # bins, tests, benches, examples: "bin foo", "tests/a.rs"
    # (name as Rust code writes it, folder, optional) of each `path` dependency
    path_deps: tuple[tuple[str, Path, bool], ...] = ()

    @property
    def cargo_lib_name(self) -> str:
        return self.lib_name or self.package_name.replace("-", "_")

    def features_enabling(self, wanted: str) -> tuple[str, ...]:
        """Crate features that turn `wanted` (e.g. pyo3/extension-module) on, transitively."""
        found: set[str] = set()
        changed = True
        while changed:
            changed = False
            for name, enables in self.features.items():
                if name in found:
                    continue
                for item in enables:
                    target = item.replace("?/", "/")
                    if target == wanted or target in found:
                        found.add(name)
                        changed = True
                        break
        return tuple(sorted(found))

    @property
    def default_features(self) -> tuple[str, ...]:
        return self.features.get("default", ())


def _rust_targets(cargo: Mapping[str, Any], crate_dir: Path) -> tuple[str, ...]:
    found: list[str] = []
    for kind in ("bin", "test", "bench", "example"):
        items = cargo.get(kind, [])
        for item in items if isinstance(items, list) else []:
            if isinstance(item, Mapping):
                found.append(f"{kind} {item.get('name', '?')}")
    if (crate_dir / "src" / "main.rs").is_file():
        found.append("src/main.rs")
    for folder in ("src/bin", "tests", "benches", "examples"):
        path = crate_dir / folder
        if path.is_dir():
            found += sorted(f"{folder}/{p.name}" for p in path.glob("*.rs"))
    return tuple(dict.fromkeys(found))


def read_crate(
    manifest: Path,
    cargo: Mapping[str, Any],
    workspace: Mapping[str, Any],
    workspace_dir: Path | None = None,
) -> Crate:
    crate_dir = manifest.parent
    package = table(cargo, "package")
    lib = table(cargo, "lib")
    lib_path = lib.get("path")
    lib_root = crate_dir / (lib_path if isinstance(lib_path, str) else "src/lib.rs")
    deps: dict[str, Dependency] = {}
    names: set[str] = set()
    paths: dict[str, tuple[str, Path, bool]] = {}
    for target, deps_table in _dependency_tables(cargo):
        for key, raw in deps_table.items():
            name = package_of(key, raw, workspace)
            names.add(name)
            if name in ("pyo3", "pyo3-ffi") and name not in deps:
                dep = _dependency(name, key, raw, workspace, target)
                if dep is not None:
                    deps[name] = dep
            folder = path_dependency(key, raw, crate_dir, workspace, workspace_dir)
            if folder is not None:
                optional = isinstance(raw, Mapping) and raw.get("optional") is True
                ident = key.replace("-", "_")
                paths.setdefault(ident, (ident, folder, optional))
    features = {
        str(k): _strs(v) for k, v in table(cargo, "features").items() if isinstance(v, list)
    }
    crate_types = lib.get("crate-type", lib.get("crate_type"))
    wrong = package.get("crate-type", package.get("crate_type"))
    return Crate(
        manifest=manifest,
        package_name=str(package.get("name", "")),
        lib_name=str(lib.get("name", "")),
        lib_root=lib_root,
        has_lib=bool(lib) or lib_root.is_file(),
        crate_types=_strs(crate_types) if crate_types is not None else None,
        package_crate_type=_strs(wrong) if wrong is not None else None,
        pyo3=deps.get("pyo3") or deps.get("pyo3-ffi"),
        dependency_names=frozenset(names),
        features=features,
        rust_targets=_rust_targets(cargo, crate_dir),
        path_deps=tuple(paths.values()),
    )


_COMPARATOR = re.compile(
    r"^\s*(?P<op>\^|~|=|>=|<=|>|<)?\s*(?P<major>\d+|\*|x|X)"
    r"(?:\.(?P<minor>\d+|\*|x|X))?(?:\.(?P<patch>\d+|\*|x|X))?(?:[-+][\w.+-]*)?\s*$"
)
Triple = tuple[int, int, int]


def _bounds(op: str, parts: list[int]) -> tuple[Triple | None, bool, Triple | None]:
    """(lowest, whether the lowest is included, first excluded above) for one comparator,
    with `parts` the 1 to 3 numbers written (Cargo's rules for partial versions)."""
    major, minor, patch = [*parts, 0, 0][:3]
    exact = (major, minor, patch)
    written = len(parts)
    # the first version past all that the written parts match: 1 -> 2.0.0, 1.2 -> 1.3.0
    past = [(major + 1, 0, 0), (major, minor + 1, 0), (major, minor, patch + 1)][written - 1]
    if op == "^":
        if major > 0 or written == 1:
            return exact, True, (major + 1, 0, 0)
        if minor > 0 or written == 2:
            return exact, True, (0, minor + 1, 0)
        return exact, True, (0, 0, patch + 1)
    if op == "~":
        return exact, True, (major + 1, 0, 0) if written == 1 else (major, minor + 1, 0)
    if op == "=":
        return exact, True, past
    if op == ">":
        return (exact, False, None) if written == 3 else (past, True, None)
    if op == ">=":
        return exact, True, None
    if op == "<":
        return None, True, exact
    return None, True, past  # "<="


def _admitted_by(comparator: str, version: Triple) -> bool | None:
    found = _COMPARATOR.match(comparator)
    if not found:
        return None
    numbers = []
    for name in ("major", "minor", "patch"):
        part = found.group(name)
        if part is None or not part.isdigit():
            break  # a wildcard (or nothing) ends what is written: 1.* is 1
        numbers.append(int(part))
    op = found.group("op") or "^"
    if not numbers:
        return True  # `*`
    if found.group("minor") in ("*", "x", "X") or found.group("patch") in ("*", "x", "X"):
        op = "=" if op == "^" else op  # 1.2.* is =1.2
    low, inclusive, high = _bounds(op, numbers)
    if low is not None and (version < low or (version == low and not inclusive)):
        return False
    return high is None or version < high


def admits(requirement: str, version: Version) -> bool | None:
    """Whether Cargo's version requirement admits `version` (a bare `0.28` is `^0.28`, every
    comma-separated comparator must hold); None when it does not parse as one."""
    major, minor, patch = [*version.release, 0, 0][:3]
    verdicts = [_admitted_by(part, (major, minor, patch)) for part in requirement.split(",")]
    if not requirement.strip() or None in verdicts:
        return None
    return all(verdicts)
