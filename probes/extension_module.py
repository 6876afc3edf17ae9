"""Will the extension link libpython (it must not), and will `cargo test` still link?"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from packaging.version import Version

from pyo3_doctor.context import Context
from pyo3_doctor.kb.versions import policy
from pyo3_doctor.machine.maturin import admits_from, requirement
from pyo3_doctor.machine.maturin import maturin as tool
from pyo3_doctor.model import Detected, ProbeResult, fail, judged, skipped, warn
from pyo3_doctor.project.cargo import EXTENSION_MODULE, Crate
from pyo3_doctor.project.loader import Project, project, skip_reason, table
from pyo3_doctor.system.files import read_text_bounded, source_files
from pyo3_doctor.system.tomlfile import TomlError, read_toml

ID = "extension_module"
ORDER = 110  # where reports list it
TITLE = "extension-module and linking"
FACTS = (
    "extension_module_source",
    "extension_module_reason",
    "maturin_extension_env_since",
    "pyo3_rust_targets",
    "extension_module_fix",
    "extension_module_fix_text",
    "extension_module_edit_file",
    "extension_module_edit_key",
    "extension_module_edit_value",
    "extension_module_edit_why",
    "maturin_build_version",
    "spurious_warning",
    "spurious_reason",
    "spurious_fixed_in",
)


PYO3_FEATURES = "the pyo3 dependency's features in Cargo.toml"
DEFAULT_FEATURES = "the crate's default features"


def where_enabled(proj: Project, crate: Crate) -> tuple[str, str]:
    """(unconditional source, maturin-only source): where extension-module gets turned on."""
    if "extension-module" in proj.pyo3_features:
        return PYO3_FEATURES, ""
    if "default" in crate.features_enabling(EXTENSION_MODULE):
        return DEFAULT_FEATURES, ""
    return "", maturin_enables(proj, crate)


def maturin_enables(proj: Project, crate: Crate) -> str:
    """The [tool.maturin] setting that turns extension-module on for maturin's builds, or ""."""
    enabling = set(crate.features_enabling(EXTENSION_MODULE)) - {"default"}
    tool = table(proj.pyproject, "tool", "maturin")
    chosen = tool.get("features", [])
    chosen = {f for f in chosen if isinstance(f, str)} if isinstance(chosen, list) else set()
    if EXTENSION_MODULE in chosen or chosen & enabling:
        return "[tool.maturin] features"
    if tool.get("all-features") is True and enabling:
        return "[tool.maturin] all-features"
    return ""


def rust_targets_using_pyo3(crate: Crate) -> list[str]:
    """Targets that link as executables: bins, tests, benches, examples, and lib unit tests."""
    using = []
    for target in crate.rust_targets:
        path = crate.manifest.parent / target
        if not path.is_file() or _mentions_pyo3(path):
            using.append(target)
    lib_dir = crate.lib_root.parent
    for path in source_files(lib_dir, limit=200):
        text = _text(path)
        if "#[test]" in text and ("Python::" in text or "pyo3" in text):
            using.append(f"unit tests in {path.relative_to(crate.manifest.parent)}")
            break
    return using


def _text(path: Path) -> str:
    return read_text_bounded(path, 200_000) or ""


def _mentions_pyo3(path: Path) -> bool:
    text = _text(path)
    return "pyo3" in text or "Python::" in text


def _libpython_linked(
    proj: Project, pyo3: Version, maturin: Version | None, env_since: Version
) -> list[Detected]:
    """extension-module-missing (or maturin's false warning about it) when nothing turns
    the feature on: why the build will link libpython, or why it will not after all."""
    rules = policy()
    req = requirement(proj)
    # a range with no version from env_since on (`<1.9`, `==1.5.*`), not one that merely
    # excludes the installed maturin (`>=99` is maturin-version's business)
    pinned_old = bool(req and req.specifier and not admits_from(req.specifier, env_since))
    if pyo3 < rules.pyo3_extension_module_env_since:
        why = (
            f"PyO3 {pyo3} only skips libpython with the `extension-module` feature, which "
            "is neither in the pyo3 features nor in [tool.maturin] features."
        )
    elif maturin is not None and maturin < env_since:
        why = (
            f"PyO3 {pyo3} skips libpython when PYO3_BUILD_EXTENSION_MODULE is set, but "
            f"maturin {maturin} does not set it (maturin {env_since} does)."
        )
    elif pinned_old:
        assert req is not None
        why = (
            f"PyO3 {pyo3} needs maturin {env_since} or later to skip libpython, and "
            f"pyproject.toml pins {req.text}."
        )
    elif maturin is not None and maturin < rules.maturin_false_extension_warning_fixed:
        spurious = warn(
            "maturin-spurious-warning",
            spurious_warning="maturin warns \"You're building a library without "
            "activating pyo3's `extension-module` feature\".",
            spurious_reason=f"PyO3 {pyo3} gets PYO3_BUILD_EXTENSION_MODULE "
            f"from maturin {maturin} instead.",
            spurious_fixed_in=str(rules.maturin_false_extension_warning_fixed),
        )
        return [spurious]
    else:
        return []
    return [fail("extension-module-missing", extension_module_reason=why)]


def _cargo_test(pyo3: Version, env_since: Version, edit: dict) -> Detected:
    """extension-module-cargo-test, with the fix that fits this PyO3 (and the TOML edit
    that makes it, when one edit does)."""
    if pyo3 >= policy().pyo3_extension_module_env_since:
        fix = "Remove `extension-module` from the pyo3 features"
        text = (
            f"PyO3 {pyo3} gets PYO3_BUILD_EXTENSION_MODULE from maturin >= {env_since}, "
            "so the feature is not needed for wheels, and cargo test links libpython."
        )
    else:
        fix = "Enable extension-module for maturin builds only"
        text = (
            "Drop `extension-module` from the pyo3 features (and from `default`), and add "
            'to pyproject.toml: [tool.maturin] features = ["pyo3/extension-module"].'
        )
    return warn(
        "extension-module-cargo-test",
        extension_module_fix=fix,
        extension_module_fix_text=text,
        **edit,
    )


def _features_site(proj: Project, crate: Crate, always: str) -> tuple[Path, str, list] | None:
    """(manifest, dotted key, the list) where extension-module is written unconditionally,
    when one list holds it: the pyo3 dependency's features (the crate's, or the workspace's
    it inherits), or the crate's default features."""
    if always == DEFAULT_FEATURES:
        default = table(proj.cargo, "features").get("default")
        return (crate.manifest, "features.default", default) if isinstance(default, list) else None
    dep = crate.pyo3
    if dep is None or dep.target:
        return None  # `[target.'cfg(..)'.dependencies]` keys do not split on dots
    key = dep.key or dep.name
    raw = table(proj.cargo, "dependencies").get(key)
    if isinstance(raw, Mapping) and "extension-module" in _listed(raw.get("features")):
        return crate.manifest, f"dependencies.{key}.features", list(raw["features"])
    if isinstance(raw, Mapping) and raw.get("workspace") is True and proj.workspace_path:
        inherited = table(_read(proj.workspace_path), "workspace", "dependencies")
        spec = inherited.get(key)
        if isinstance(spec, Mapping) and "extension-module" in _listed(spec.get("features")):
            site = f"workspace.dependencies.{key}.features"
            return proj.workspace_path, site, list(spec["features"])
    return None


def _read(path: Path) -> dict:
    try:
        return read_toml(path)
    except TomlError:
        return {}


def _listed(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _one_edit(
    proj: Project, crate: Crate, always: str, pyo3: Version, maturin: Version | None
) -> dict:
    """The TOML edit that takes extension-module out of the list that turns it on always,
    when that edit alone keeps the wheel from linking libpython: [tool.maturin] features
    turns it on for maturin's builds, or maturin sets PYO3_BUILD_EXTENSION_MODULE for this
    PyO3. {} otherwise (then the fix is said in words)."""
    site = _features_site(proj, crate, always)
    if site is None:
        return {}
    path, key, values = site
    if key == "features.default":  # the crate features (or pyo3's) that turn it on
        drop = set(crate.features_enabling(EXTENSION_MODULE))
        kept = [v for v in values if v not in drop and v.replace("?/", "/") != EXTENSION_MODULE]
    else:
        kept = [v for v in values if v != "extension-module"]
    if maturin_enables(proj, crate):
        why = "[tool.maturin] features turns it on for maturin's builds"
    elif not _libpython_linked(proj, pyo3, maturin, policy().maturin_extension_module_env_since):
        why = f"maturin sets PYO3_BUILD_EXTENSION_MODULE for PyO3 {pyo3}, which does the same"
    else:
        return {}
    return {
        "extension_module_edit_file": proj.rel(path),
        "extension_module_edit_key": key,
        "extension_module_edit_value": json.dumps(kept),
        "extension_module_edit_why": why,
    }


def probe(ctx: Context) -> ProbeResult:
    proj = project(ctx)
    reason = skip_reason(proj)
    pyo3 = proj.pyo3_version
    if reason or pyo3 is None or proj.crate is None:
        return skipped(ID, reason or "the PyO3 version is not known")
    crate = proj.crate
    always, maturin_only = where_enabled(proj, crate)
    maturin = tool(ctx).version
    env_since = policy().maturin_extension_module_env_since
    facts: dict = {
        "extension_module_source": always or maturin_only or None,
        "maturin_build_version": str(maturin) if maturin else None,
        "maturin_extension_env_since": str(env_since),
    }
    found: list[Detected] = []
    if not (always or maturin_only):
        found += _libpython_linked(proj, pyo3, maturin, env_since)
    targets = rust_targets_using_pyo3(crate) if always else []
    if targets:
        facts["pyo3_rust_targets"] = ", ".join(targets[:4])
        found.append(_cargo_test(pyo3, env_since, _one_edit(proj, crate, always, pyo3, maturin)))
    if ctx.platform.system == "macos" and not _has_macos_link_args(proj, crate):
        found.append(warn("macos-undefined-symbols"))
    if always:
        summary = f"PyO3 {pyo3}; extension-module is on always, in {always}"
    elif maturin_only:
        summary = f"PyO3 {pyo3}; extension-module is on for maturin's builds ({maturin_only})"
    else:
        summary = f"PyO3 {pyo3}; extension-module is not enabled"
    if maturin:
        summary += f"; maturin {maturin}"
    return judged(ID, summary, facts, (), found)


def _has_macos_link_args(proj: Project, crate: Crate) -> bool:
    if "add_extension_module_link_args" in _text(crate.manifest.parent / "build.rs"):
        return True
    for keys in (
        ("build", "rustflags"),
        ("target", "aarch64-apple-darwin", "rustflags"),
        ("target", "x86_64-apple-darwin", "rustflags"),
    ):
        for _, value in proj.config_values(*keys):
            if "dynamic_lookup" in str(value):
                return True
    return False
