"""pyproject.toml and Cargo.toml as maturin's own types read them, and what they refuse.

maturin deserialises pyproject.toml into typed structs (src/pyproject_toml.rs: PyProjectToml,
Tool, ToolMaturin; the pyproject-toml crate's BuildSystem and Project) and the crate's
Cargo.toml into CargoToml (src/cargo_toml.rs), and stops at the first value that does not fit:
"missing field `build-system`", "invalid type: string "pyo3/extension-module", expected a
sequence". Keys it does not know are ignored (none of these structs denies unknown fields, but
a project's author entry). The schema below mirrors those structs, kebab-case as maturin
spells its keys, so the same files are refused here, with the key that is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Union

from pyo3_doctor.kb.version_spec import VersionSpec, version_or_none


@dataclass(frozen=True)
class Scalar:
    """A string or a boolean (serde's String, PathBuf, bool)."""

    kind: type
    expected: str  # as serde says it: "a string", "path string", "a boolean"
    # a string that must also parse (a PEP 440 version); returns what is wrong, or ""
    parse: Callable[[str], str] | None = None


@dataclass(frozen=True)
class Seq:
    item: Node


@dataclass(frozen=True)
class Table:
    """A struct (named fields, some required) or a map (any keys, one type of value)."""

    name: str  # "struct ToolMaturin", or "a map"
    fields: Mapping[str, Node] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    values: Node | None = None  # a map's value type
    closed: bool = False  # serde(deny_unknown_fields)


@dataclass(frozen=True)
class Choice:
    """A string naming one of a fixed set (a unit enum)."""

    variants: tuple[str, ...]


@dataclass(frozen=True)
class OneOf:
    """serde(untagged): the first shape that fits."""

    name: str
    shapes: tuple[Node, ...]
    said: str = ""  # serde(expecting = ...): its own words when nothing fits

    @property
    def message(self) -> str:
        return self.said or f"data did not match any variant of untagged enum {self.name}"


Node = Union[Scalar, Seq, Table, Choice, OneOf]


@dataclass(frozen=True)
class Problem:
    """A value maturin's types refuse: its key path and serde's words for it."""

    keys: tuple[str, ...]  # the key that is wrong, or the table missing a required one
    message: str


def _version(text: str) -> str:
    return "" if version_or_none(text) else f"{text!r} is not a PEP 440 version"


def _specifiers(text: str) -> str:
    try:
        VersionSpec(text)
    except ValueError:
        return f"{text!r} is not a PEP 440 version specifier"
    return ""


def _platform_tag(text: str) -> str:
    """What maturin's PlatformTag::from_str refuses (CompatibilityTag adds `pypi`)."""
    value = text.lower()
    if value in ("pypi", "off", "linux", "1", "manylinux1", "2010", "manylinux2010", "2014"):
        return ""
    if value == "manylinux2014":
        return ""
    musl = value.startswith("musllinux_")
    rest = value[len("musllinux_") :] if musl else value.removeprefix("manylinux_")
    parts = rest.split("_")
    if len(parts) >= 2 and all(p.isascii() and p.isdigit() and int(p) < 2**16 for p in parts[:2]):
        return ""
    return f"invalid {'musllinux' if musl else 'manylinux'} option"


STR = Scalar(str, "a string")
PATH = Scalar(str, "path string")
BOOL = Scalar(bool, "a boolean")
STRS = Seq(STR)
VERSION = Scalar(str, "a string", _version)
SPECIFIERS = Scalar(str, "a string", _specifiers)
FORMAT = Choice(("sdist", "wheel"))
PLATFORM_TAG = Scalar(str, "a string", _platform_tag)

GLOB = OneOf(
    "GlobPattern",
    (
        STR,
        Table(
            "struct",
            {"path": STR, "format": OneOf("Formats", (FORMAT, Seq(FORMAT)))},
            ("path", "format"),
        ),
        Table(
            "struct",
            {"path": STR, "from": Choice(("out-dir",)), "to": STR, "crate_name": STR},
            ("path", "from", "to"),
        ),
    ),
)
FEATURE = OneOf(
    "FeatureSpec",
    (
        STR,
        Table(
            "struct",
            {"feature": STR, "python-version": SPECIFIERS, "python-implementation": STR},
            ("feature",),
        ),
    ),
)
CI_OVERRIDES = {
    key: STR
    for key in (
        "runner",
        "manylinux",
        "container",
        "docker-options",
        "rust-toolchain",
        "rustup-components",
        "before-script-linux",
        "args",
    )
}
PLATFORM_CI = Table(
    "struct PlatformCIConfig",
    {
        "targets": STRS,
        "target": Seq(Table("struct TargetCIConfig", {"arch": STR, **CI_OVERRIDES}, ("arch",))),
        **CI_OVERRIDES,
    },
)
GITHUB_CI = Table(
    "struct GitHubCIConfig",
    {
        **{k: BOOL for k in ("pytest", "zig", "skip-attestation", "trusted-publishing")},
        "publishing-environment": STR,
        "args": STR,
        **{
            p: PLATFORM_CI
            for p in ("linux", "musllinux", "windows", "macos", "emscripten", "android")
        },
    },
)

# ToolMaturin, field by field (maturin's src/pyproject_toml.rs)
TOOL_MATURIN = Table(
    "struct ToolMaturin",
    {
        "module-name": STR,
        "include": Seq(GLOB),
        "exclude": Seq(GLOB),
        "bindings": Choice(("pyo3", "pyo3-ffi", "cffi", "uniffi", "bin")),
        "compatibility": PLATFORM_TAG,
        "manylinux": PLATFORM_TAG,  # the old name of compatibility
        "auditwheel": Choice(("repair", "check", "warn", "skip")),
        "skip-auditwheel": BOOL,
        "strip": BOOL,
        "sdist-generator": Choice(("cargo", "git")),
        "python-source": PATH,
        "python-packages": STRS,
        "data": PATH,
        "targets": Seq(
            Table(
                "struct CargoTarget",
                {
                    "name": STR,
                    "kind": Choice(("bin", "cdylib", "dylib", "lib", "rlib", "staticlib")),
                },
                ("name",),
            )
        ),
        "target": Table(
            "a map",
            values=Table(
                "struct TargetConfig",
                {"macos-deployment-target": STR, "macosx-deployment-target": STR},
            ),
        ),
        "profile": STR,
        "editable-profile": STR,
        "features": Seq(FEATURE),
        "all-features": BOOL,
        "no-default-features": BOOL,
        "manifest-path": PATH,
        "frozen": BOOL,
        "locked": BOOL,
        "config": STRS,
        "unstable-flags": STRS,
        "rustc-args": STRS,
        "use-base-python": BOOL,
        "sbom": Table(
            "struct SbomConfig", {"rust": BOOL, "auditwheel": BOOL, "include": Seq(PATH)}
        ),
        "include-import-lib": BOOL,
        "pgo-command": STR,
        "generate-ci": Table("struct GenerateCIConfig", {"github": GITHUB_CI}),
    },
)
CONTACT = OneOf(  # serde(untagged, deny_unknown_fields): name and email, name, or email
    "Contact",
    tuple(
        Table("struct", {k: STR for k in needed}, needed, closed=True)
        for needed in (("name", "email"), ("name",), ("email",))
    ),
    "a table with 'name' and/or 'email' keys",
)
STR_MAP = Table("a map", values=STR)
# the pyproject-toml crate's Project (PEP 621), as maturin reads it
PROJECT = Table(
    "struct Project",
    {
        "name": STR,
        "version": VERSION,
        "description": STR,
        "readme": OneOf(
            "ReadMe",
            (STR, Table("struct", {"file": STR, "text": STR, "content-type": STR})),
        ),
        "requires-python": SPECIFIERS,
        "license": OneOf(
            "License",
            (
                STR,
                Table("struct", {"text": STR}, ("text",)),
                Table("struct", {"file": PATH}, ("file",)),
            ),
        ),
        "license-files": STRS,
        "authors": Seq(CONTACT),
        "maintainers": Seq(CONTACT),
        "keywords": STRS,
        "classifiers": STRS,
        "urls": STR_MAP,
        "entry-points": Table("a map", values=STR_MAP),
        "scripts": STR_MAP,
        "gui-scripts": STR_MAP,
        "dependencies": STRS,
        "optional-dependencies": Table("a map", values=STRS),
        "dynamic": STRS,
    },
    ("name",),
)
PYPROJECT = Table(
    "struct PyProjectToml",
    {
        "build-system": Table(
            "struct BuildSystem",
            {"requires": STRS, "build-backend": STR, "backend-path": STRS},
            ("requires",),
        ),
        "project": PROJECT,
        "tool": Table("struct Tool", {"maturin": TOOL_MATURIN}),
        "dependency-groups": Table(
            "a map",
            values=Seq(
                OneOf(
                    "DependencyGroupSpecifier",
                    (STR, Table("struct", {"include-group": STR}, ("include-group",))),
                )
            ),
        ),
    },
    ("build-system",),
)
# CargoToml (maturin's src/cargo_toml.rs): what maturin reads of the crate's manifest itself
CARGO_TOML = Table(
    "struct CargoToml",
    {
        "lib": Table("struct CargoTomlLib", {"crate-type": STRS, "name": STR}),
        "package": Table("struct CargoTomlPackage", {"name": STR}, ("name",)),
    },
    ("package",),
)

MATURIN_KEYS = frozenset(TOOL_MATURIN.fields)


def refused(data: Mapping[str, Any], schema: Table = PYPROJECT) -> list[Problem]:
    """What maturin's types refuse in `data` (a parsed file), in file order."""
    return _check(data, schema, ())


def _got(value: Any) -> str:
    """A value as serde names an unexpected one."""
    if isinstance(value, bool):
        return f"boolean `{str(value).lower()}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, float):
        return f"floating point `{value}`"
    if isinstance(value, str):
        return f'string "{value}"'
    if isinstance(value, list):
        return "sequence"
    if isinstance(value, dict):
        return "map"
    return "datetime"


def _expected(node: Node) -> str:
    if isinstance(node, Scalar):
        return node.expected
    if isinstance(node, Seq):
        return "a sequence"
    if isinstance(node, Table):
        return node.name
    if isinstance(node, Choice):
        return "a string"
    return f"untagged enum {node.name}"


def _check(value: Any, node: Node, keys: tuple[str, ...]) -> list[Problem]:
    if isinstance(node, OneOf):
        if any(not _check(value, shape, keys) for shape in node.shapes):
            return []
        return [Problem(keys, node.message)]
    wrong = Problem(keys, f"invalid type: {_got(value)}, expected {_expected(node)}")
    if isinstance(node, Scalar):
        if not isinstance(value, node.kind) or (node.kind is not bool and isinstance(value, bool)):
            return [wrong]
        said = node.parse(value) if node.parse else ""
        return [Problem(keys, said)] if said else []
    if isinstance(node, Choice):
        if not isinstance(value, str):
            return [wrong]
        if value in node.variants:
            return []
        expected = ", ".join(f"`{v}`" for v in node.variants)
        return [Problem(keys, f"unknown variant `{value}`, expected one of {expected}")]
    if isinstance(node, Seq):
        if not isinstance(value, list):
            return [wrong]
        return [p for i, item in enumerate(value) for p in _check(item, node.item, (*keys, str(i)))]
    if not isinstance(value, dict):
        return [wrong]
    return _table(value, node, keys)


def _table(value: Mapping[str, Any], node: Table, keys: tuple[str, ...]) -> list[Problem]:
    found: list[Problem] = []
    for key, item in value.items():
        inner = node.values if node.values is not None else node.fields.get(key)
        if inner is not None:
            found += _check(item, inner, (*keys, key))
        elif node.closed:
            found.append(Problem((*keys, key), f"unknown field `{key}`"))
    found += [Problem(keys, f"missing field `{k}`") for k in node.required if k not in value]
    return found
