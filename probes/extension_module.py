"""Will the extension link libpython (it must not), and will `cargo test` still link?"""

from __future__ import annotations

from pathlib import Path

from pyo3_doctor.context import Context
from pyo3_doctor.kb.versions import policy
from pyo3_doctor.machine.maturin import maturin as tool
from pyo3_doctor.machine.maturin import requirement
from pyo3_doctor.model import Detected, ProbeResult, Severity, Status, status_of
from pyo3_doctor.project.cargo import EXTENSION_MODULE, Crate
from pyo3_doctor.project.loader import Project, project, skip_reason, table

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
    "maturin_build_version",
    "spurious_warning",
    "spurious_reason",
    "spurious_fixed_in",
)


def where_enabled(proj: Project, crate: Crate) -> tuple[str, str]:
    """(unconditional source, maturin-only source): where extension-module gets turned on."""
    enabling = set(crate.features_enabling(EXTENSION_MODULE))
    if "extension-module" in proj.pyo3_features:
        return "the pyo3 dependency's features in Cargo.toml", ""
    if "default" in enabling:
        return "the crate's default features", ""
    tool = table(proj.pyproject, "tool", "maturin")
    chosen = tool.get("features", [])
    chosen = {f for f in chosen if isinstance(f, str)} if isinstance(chosen, list) else set()
    if EXTENSION_MODULE in chosen or chosen & enabling:
        return "", "[tool.maturin] features"
    if tool.get("all-features") is True and enabling:
        return "", "[tool.maturin] all-features"
    return "", ""


def rust_targets_using_pyo3(crate: Crate) -> list[str]:
    """Targets that link as executables: bins, tests, benches, examples, and lib unit tests."""
    using = []
    for target in crate.rust_targets:
        path = crate.manifest.parent / target
        if not path.is_file() or _mentions_pyo3(path):
            using.append(target)
    lib_dir = crate.lib_root.parent
    for path in sorted(lib_dir.rglob("*.rs"))[:200]:
        text = _text(path)
        if "#[test]" in text and ("Python::" in text or "pyo3" in text):
            using.append(f"unit tests in {path.relative_to(crate.manifest.parent)}")
            break
    return using


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[:200_000]
    except OSError:
        return ""


def _mentions_pyo3(path: Path) -> bool:
    text = _text(path)
    return "pyo3" in text or "Python::" in text


def probe(ctx: Context) -> ProbeResult:
    proj = project(ctx)
    reason = skip_reason(proj)
    pyo3 = proj.pyo3_version
    if reason or pyo3 is None or proj.crate is None:
        return ProbeResult(ID, Status.SKIP, reason or "the PyO3 version is not known")
    crate, rules = proj.crate, policy()
    always, maturin_only = where_enabled(proj, crate)
    maturin = tool(ctx).version
    env_since = rules.maturin_extension_module_env_since
    facts: dict = {
        "extension_module_source": always or maturin_only or None,
        "maturin_build_version": str(maturin) if maturin else None,
        "maturin_extension_env_since": str(env_since),
    }
    found: list[Detected] = []
    pyo3_env = pyo3 >= rules.pyo3_extension_module_env_since
    req = requirement(proj)
    pinned_old = bool(
        req
        and req.specifier
        and not any(req.specifier.contains(v) for v in (str(env_since), "1.99", "2.0", "9.0"))
    )
    if not (always or maturin_only):
        why = ""
        if not pyo3_env:
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
            why = (
                f"PyO3 {pyo3} needs maturin {env_since} or later to skip libpython, and "
                f"pyproject.toml pins {req.text}."
            )
        elif maturin is not None and maturin < rules.maturin_false_extension_warning_fixed:
            found.append(
                Detected(
                    "maturin-spurious-warning",
                    Severity.WARN,
                    {
                        "spurious_warning": "maturin warns \"You're building a library without "
                        "activating pyo3's `extension-module` feature\".",
                        "spurious_reason": f"PyO3 {pyo3} gets PYO3_BUILD_EXTENSION_MODULE "
                        f"from maturin {maturin} instead.",
                        "spurious_fixed_in": str(rules.maturin_false_extension_warning_fixed),
                    },
                )
            )
        if why:
            found.append(
                Detected(
                    "extension-module-missing", Severity.FAIL, {"extension_module_reason": why}
                )
            )
    targets = rust_targets_using_pyo3(crate) if always else []
    if targets:
        facts["pyo3_rust_targets"] = ", ".join(targets[:4])
        if pyo3_env:
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
        found.append(
            Detected(
                "extension-module-cargo-test",
                Severity.WARN,
                {"extension_module_fix": fix, "extension_module_fix_text": text},
            )
        )
    if ctx.platform.system == "macos" and not _has_macos_link_args(proj, crate):
        found.append(Detected("macos-undefined-symbols", Severity.WARN))
    summary = f"PyO3 {pyo3}; extension-module: {always or maturin_only or 'not enabled'}"
    if maturin:
        summary += f"; maturin {maturin}"
    status = status_of(found)
    return ProbeResult(ID, status, summary, facts, (), tuple(found))


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
