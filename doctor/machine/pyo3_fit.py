"""What to change when the project's PyO3 and the interpreter do not fit each other.

Two ways out, both as facts a fix can use: move PyO3 to a series that supports the
interpreter (the Cargo.toml key to edit, the series, what moving there changes in the code,
from knowledge/versions.toml), or build for an interpreter this machine has that the
project's PyO3 supports (machine.pythons).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from packaging.version import Version

from pyo3_doctor.context import Context
from pyo3_doctor.kb.migrations import migrations
from pyo3_doctor.kb.versions import PyO3Support, PyVersion, policy, span_of
from pyo3_doctor.machine.pythons import installed
from pyo3_doctor.project.loader import Project
from pyo3_doctor.system.files import read_text_bounded, source_files
from pyo3_doctor.system.tomlfile import TomlError, read_toml

# the series in which the `gil-refs` feature keeps that code compiling
_GIL_REFS_FEATURE = ("0.21", "0.22")


def requirement_site(proj: Project) -> tuple[Path, str] | None:
    """(manifest, dotted key) of the pyo3 version requirement, where one edit can change it:
    the crate's `[dependencies]`, or the workspace's when the crate inherits it."""
    if proj.cargo_path is None or proj.crate is None or proj.crate.pyo3 is None:
        return None
    dep = proj.crate.pyo3
    if dep.target or dep.name != "pyo3":
        return None  # `[target.'cfg(..)'.dependencies]` keys do not split on dots
    key = dep.key or "pyo3"
    raw = proj.cargo.get("dependencies", {}).get(key)
    manifest, prefix = proj.cargo_path, "dependencies"
    if isinstance(raw, dict) and raw.get("workspace") is True and proj.workspace_path:
        manifest, prefix = proj.workspace_path, "workspace.dependencies"
        try:
            raw = read_toml(manifest).get("workspace", {}).get("dependencies", {}).get(key)
        except TomlError:
            return None
    if isinstance(raw, str):
        return manifest, f"{prefix}.{key}"
    if isinstance(raw, dict) and isinstance(raw.get("version"), str):
        return manifest, f"{prefix}.{key}.version"
    return None


def move_to(proj: Project, current: str, target: PyO3Support | None) -> dict[str, Any]:
    """Facts for a Cargo.toml edit that moves pyo3 from series `current` to `target`."""
    if target is None or target.series == current:
        return {}
    changes = policy().changes_between(current, target.series)
    said = "; ".join(f"{series}: {text}" for series, text in changes) or "nothing of note"
    facts = {"pyo3_fit": target.series, "pyo3_fit_changes": said}
    site = requirement_site(proj)
    if site is None:  # the fix says the edit in words
        return facts
    manifest, key = site
    value = json.dumps(target.series)
    if (
        target.series in _GIL_REFS_FEATURE
        and Version(current) < Version("0.21")
        and _gil_refs(proj)
    ):
        # the old code keeps compiling on the new series with the feature (deprecated)
        features = sorted({*proj.pyo3_features, "gil-refs"})
        key = key.removesuffix(".version").removesuffix(".features")
        value = _inline(proj, target.series, features)
        facts["pyo3_fit_changes"] = said + "; the `gil-refs` feature is turned on for this code"
    facts.update(pyo3_fit_file=str(manifest), pyo3_fit_key=key, pyo3_fit_value=value)
    return facts


def _gil_refs(proj: Project) -> bool:
    """Whether the crate's own sources use GIL-refs signatures."""
    if proj.crate is None:
        return False
    # the GIL-refs signatures (`m: &PyModule`) knowledge/migrations.toml knows
    gil_ref = next(m.pattern for m in migrations() if m.id == "gil-refs-signature")
    src = proj.crate.lib_root.parent
    return any(gil_ref.search(read_text_bounded(f) or "") for f in source_files(src, limit=200))


def _inline(proj: Project, version: str, features: list[str]) -> str:
    """The pyo3 dependency as an inline table with `version` and `features`, other keys kept."""
    raw = proj.cargo.get("dependencies", {}).get("pyo3")
    table = dict(raw) if isinstance(raw, dict) else {}
    table.update(version=version, features=features)
    parts = [f"{k} = {json.dumps(v)}" for k, v in table.items() if isinstance(v, (str, bool, list))]
    return "{ " + ", ".join(parts) + " }"


def interpreters_for(
    ctx: Context, support: PyO3Support, implementation: str, free_threaded: bool
) -> dict[str, Any]:
    """Facts naming the interpreters here that `support` can build for, newest first."""
    span = span_of(support, implementation)
    if implementation != "CPython" or span is None:
        return {}
    fits = [
        i
        for i in installed(ctx)
        if _within(i.minor, span) and (not i.free_threaded or free_threaded)
    ]
    if not fits:
        return {}
    return {
        "python_fit": fits[0].path,
        "python_fit_version": ".".join(map(str, fits[0].minor)),
        "pythons_fit": "; ".join(i.label() for i in fits[:6]),
    }


def _within(version: PyVersion, span: tuple[PyVersion, PyVersion]) -> bool:
    return span[0] <= version <= span[1]
