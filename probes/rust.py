"""Are rustc and cargo on PATH (as rustup resolves them here), and new enough for PyO3?"""

from __future__ import annotations

import os
import re

from packaging.version import Version

from pyo3_doctor.context import Context, cargo_home
from pyo3_doctor.kb.versions import PyO3Support, policy
from pyo3_doctor.machine.toolchain import (
    Rustc,
    installed_fit,
    pinned_argv,
    rust_env,
    rustc,
    toolchain_override,
)
from pyo3_doctor.model import Evidence, ProbeResult, fail, judged, warn
from pyo3_doctor.project.loader import project
from pyo3_doctor.system.files import read_text_bounded
from pyo3_doctor.system.proc import run_tool

ID = "rust"
ORDER = 20  # where reports list it
TITLE = "Rust toolchain"
FACTS = (
    "rustc_version",
    "rustc_host",
    "rustc_channel",
    "cargo_version",
    "rustc_min",
    "msrv_pyo3",
    "rust_toolchain",
    "rust_toolchain_source",
    "cargo_bin",
    "rust_hidden_in",
    "rust_present",
    "rustup_no_default",
    "rust_toolchain_missing",
    "rust_toolchain_pin",
    "rust_toolchain_file",
    "rust_toolchain_env",
    "rust_toolchain_fit",
    "rustup_wont_install",
)


def _toolchain_problem(output: str) -> str:
    """rustup's own one-line complaint (toolchain not installed, no default...), if any."""
    found = re.search(r"^error: (.*(toolchain|rustup).*)$", output, re.M)
    return found.group(1).strip() if found else ""


def _missing(rust: Rustc, cargo: Evidence, cargo_bin: str, facts: dict) -> ProbeResult:
    """rustc or cargo is not on PATH: say which, and whether rustup put them in cargo_bin."""
    missing = " and ".join(
        t for t, ev in (("rustc", rust.evidence), ("cargo", cargo)) if ev.exit_code is None
    )
    hidden = os.path.exists(os.path.join(cargo_bin, "rustc"))
    where = f" (but {cargo_bin} has them: it is not on PATH)" if hidden else ""
    if hidden:  # installed: the fix is PATH, never a second install
        facts.update(rust_hidden_in=cargo_bin, rust_present=f"in {cargo_bin}, not on PATH")
    evidence = (rust.evidence, cargo)
    found = fail("rust-not-installed")
    return judged(ID, f"{missing} not found on PATH{where}", facts, evidence, [found])


def _not_running(output: str) -> dict:
    """Facts for a rustup that runs but gives no rustc: which of its cases this is."""
    missing = re.search(r"toolchain '([^'\s]+)' is not installed", output)
    if missing:  # a pin (rust-toolchain.toml, RUSTUP_TOOLCHAIN) rustup has not downloaded
        name = missing.group(1)
        return {"rust_toolchain_missing": name, "rust_present": f"rustup, without {name}"}
    if re.search(r"no default (?:toolchain )?is configured", output):
        return {"rustup_no_default": "yes", "rust_present": "rustup, with no default toolchain"}
    return {}


def probe(ctx: Context) -> ProbeResult:
    rust = rustc(ctx)
    proj = project(ctx)
    where = ctx.tool_cwd or (str(proj.root) if proj.root else None)
    cargo = run_tool(pinned_argv(ctx, "cargo", "-V"), rust_env(ctx.env), cwd=where)
    cargo_bin = str(cargo_home(ctx.env) / "bin")
    toolchain, chosen_by = toolchain_override(ctx)
    facts = {
        "rust_toolchain": toolchain or None,
        "rust_toolchain_source": chosen_by or None,
        "cargo_bin": cargo_bin,
    }
    evidence = (rust.evidence, cargo)
    if not rust.found or cargo.exit_code is None:
        return _missing(rust, cargo, cargo_bin, facts)
    if rust.evidence.exit_code != 0:
        problem = _toolchain_problem(rust.evidence.output) or f"exited {rust.evidence.exit_code}"
        summary = f"rustc does not run: {problem}"
        facts.update(_not_running(rust.evidence.output))
        if facts.get("rust_toolchain_missing") and toolchain:
            return _pin_not_installed(ctx, summary, facts, evidence)
        return judged(ID, summary, facts, evidence, [fail("rust-not-installed")])
    if rust.version is None:
        summary = "rustc -vV printed no version it could read"
        return judged(ID, summary, facts, evidence, [warn("rustc-version-detection")])
    pyo3 = proj.pyo3_version
    support = _support(pyo3)
    words = cargo.output.split()
    cargo_version = words[1] if len(words) > 1 else "?"
    facts.update(
        rustc_version=rust.release,
        rustc_host=rust.host,
        rustc_channel=rust.channel,
        cargo_version=cargo_version,
        rustc_min=str(support.msrv),
        msrv_pyo3=str(pyo3) if pyo3 else f"{support.series} (newest known)",
    )
    summary = f"rustc {rust.release} ({rust.host}), cargo {cargo_version}"
    if toolchain:
        summary += f", toolchain {toolchain} from {chosen_by}"
    if rust.version < support.msrv:
        summary += f": PyO3 {facts['msrv_pyo3']} needs rustc {support.msrv}"
        if toolchain:
            facts.update(_pinned(ctx, toolchain, chosen_by, support.msrv, rust.host))
        return judged(ID, summary, facts, evidence, [fail("rustc-too-old")])
    return judged(ID, summary, facts, evidence)


def _pin_not_installed(ctx: Context, summary: str, facts: dict, evidence: tuple) -> ProbeResult:
    """Rust is here, but not the toolchain the project pins. rustup (1.28.1 on) installs it
    at the first build unless RUSTUP_AUTO_INSTALL=0: a download then (a failure offline),
    a failure outright when auto-install is off."""
    toolchain, chosen_by = facts["rust_toolchain"], facts["rust_toolchain_source"]
    missing = facts["rust_toolchain_missing"]
    host = missing[len(toolchain) + 1 :] if missing.startswith(f"{toolchain}-") else ""
    needed = _support(project(ctx).pyo3_version).msrv
    if re.match(r"\d+\.\d+(?:\.\d+)?$", toolchain):  # a release pin: nothing older fits
        needed = max(needed, Version(toolchain))
    facts.update(_pinned(ctx, toolchain, chosen_by, needed, host))
    if ctx.env.get("RUSTUP_AUTO_INSTALL", "").strip().lower() in ("0", "false", "no", "off"):
        facts["rustup_wont_install"] = "RUSTUP_AUTO_INSTALL=0"
        return judged(ID, summary, facts, evidence, [fail("rust-toolchain-not-installed")])
    summary = f"{summary} (rustup downloads it at the first build)"
    return judged(ID, summary, facts, evidence, [warn("rust-toolchain-not-installed")])


def _support(pyo3: Version | None) -> PyO3Support:
    """The project's PyO3 series as the version policy knows it, else the newest known."""
    return (policy().for_pyo3(pyo3) if pyo3 else None) or policy().newest


def _pinned(ctx: Context, toolchain: str, chosen_by: str, needed: Version, host: str) -> dict:
    """Facts for a too-old rustc that a pin chose: where the pin is written (a TOML file to
    edit, or RUSTUP_TOOLCHAIN), and an installed toolchain new enough to pin instead.
    `rustup update stable` cannot move a pin to a release or a dated channel."""
    facts: dict = {}
    if toolchain not in ("stable", "beta", "nightly"):
        facts["rust_toolchain_pin"] = toolchain
    if chosen_by == "RUSTUP_TOOLCHAIN":
        facts["rust_toolchain_env"] = chosen_by
    elif chosen_by.endswith(".toml") or "[toolchain]" in (read_text_bounded(chosen_by, 4096) or ""):
        facts["rust_toolchain_file"] = chosen_by
    facts["rust_toolchain_fit"] = installed_fit(ctx, needed, host) or None
    return facts
