"""rust probe: ok, missing, too old, unparsable, hanging."""

from __future__ import annotations

import pytest
from helpers import ids, result, run

from pyo3_doctor.model import Status

OLD_RUSTC = """#!/bin/sh
echo 'rustc 1.60.0 (7737e0b5c 2022-04-04)'
echo 'binary: rustc'
echo 'host: x86_64-unknown-linux-gnu'
echo 'release: 1.60.0'
"""
GARBAGE_RUSTC = "#!/bin/sh\nprintf 'this is not rustc \\377\\376\\n'\n"
HANGING_RUSTC = "#!/bin/sh\nsleep 60\n"


def test_ok_on_this_machine(pyo3_project, staged_path):
    root = pyo3_project()
    report = run(root, ("project", "rust"), PATH=staged_path())
    rust = result(report, "rust")
    assert rust.status is Status.OK, rust.summary
    assert rust.facts["rustc_host"]
    assert rust.facts["rustc_min"] == "1.74"  # the PyO3 0.27 the project asks for


def test_missing_rustc_and_cargo(pyo3_project, staged_path, tmp_path):
    root = pyo3_project()
    report = run(
        root,
        ("project", "rust"),
        PATH=staged_path(without=("rustc", "cargo")),
        CARGO_HOME=str(tmp_path / "no-cargo-home"),
    )
    assert result(report, "rust").status is Status.FAIL
    assert ids(report) == ["rust-not-installed"]
    # not installed at all: no PATH line for a folder without Rust, no rustup default
    kinds = [f.kind for f in report.findings[0].fixes]
    assert "env" not in kinds and not any(
        f.argv[:1] == ("rustup",) for f in report.findings[0].fixes
    )
    assert any("https://rustup.rs" in f.text for f in report.findings[0].fixes)


def test_rust_installed_but_not_on_path_is_said(pyo3_project, staged_path, tmp_path):
    home = tmp_path / "cargo-home"
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "rustc").write_text("")
    report = run(
        pyo3_project(),
        ("project", "rust"),
        PATH=staged_path(without=("rustc", "cargo")),
        CARGO_HOME=str(home),
    )
    assert "it is not on PATH" in result(report, "rust").summary
    # installed: the PATH line is the one step, no install and no rustup default
    (fix,) = report.findings[0].fixes
    assert fix.env == {"PATH": f"{home / 'bin'}:$PATH"}


def test_too_old_for_the_projects_pyo3(pyo3_project, staged_path):
    report = run(
        pyo3_project(pyo3="0.27"), ("project", "rust"), PATH=staged_path(extra={"rustc": OLD_RUSTC})
    )
    assert ids(report) == ["rustc-too-old"]
    assert "needs rustc 1.74" in result(report, "rust").summary
    assert "1.74" in report.findings[0].why and "1.60.0" in report.findings[0].why


def test_unparsable_version_is_a_warning_not_a_crash(pyo3_project, staged_path):
    report = run(
        pyo3_project(), ("project", "rust"), PATH=staged_path(extra={"rustc": GARBAGE_RUSTC})
    )
    assert result(report, "rust").status is Status.WARN
    assert ids(report) == ["rustc-version-detection"]


def test_hanging_rustc_times_out(pyo3_project, staged_path):
    report = run(
        pyo3_project(),
        ("project", "rust"),
        timeout=1.0,
        PATH=staged_path(extra={"rustc": HANGING_RUSTC}),
    )
    assert result(report, "rust").status in (Status.TIMEOUT, Status.FAIL)
    assert result(report, "project").status is Status.OK


def test_toolchain_file_is_named(pyo3_project, staged_path):
    root = pyo3_project(extra={"rust-toolchain.toml": '[toolchain]\nchannel = "stable"\n'})
    rust = result(run(root, ("project", "rust"), PATH=staged_path()), "rust")
    assert rust.facts["rust_toolchain"] == "stable"
    assert rust.facts["rust_toolchain_source"].endswith("rust-toolchain.toml")


@pytest.mark.parametrize(("auto_install", "status"), [("0", Status.FAIL), ("1", Status.WARN)])
def test_toolchain_that_is_not_installed(pyo3_project, staged_path, auto_install, status):
    """A pin rustup lacks: a failure where rustup will not fetch it, a download to come
    where it will (the check itself never lets rustup download)."""
    report = run(
        pyo3_project(),
        ("project", "rust"),
        PATH=staged_path(),
        RUSTUP_TOOLCHAIN="1.2.3-not-installed",
        RUSTUP_AUTO_INSTALL=auto_install,
    )
    rust = result(report, "rust")
    assert rust.status is status
    assert rust.facts["rust_toolchain"] == "1.2.3-not-installed"
    assert ids(report) == ["rust-toolchain-not-installed"]
    assert "rust (rustc and cargo) is not available" not in report.findings[0].title.lower()
    # rustup is there without the toolchain asked for: installing that one is the step
    step = report.findings[0].fixes[0]
    assert step.argv[:3] == ("rustup", "toolchain", "install"), step
    assert step.argv[3].startswith("1.2.3-not-installed"), step
    # and nothing was downloaded
    assert not [t for t in _installed_toolchains() if t.startswith("1.2.3")]


def test_rustup_without_a_default_toolchain(pyo3_project, staged_path, tmp_path):
    (tmp_path / "rustup-home").mkdir()
    report = run(
        pyo3_project(),
        ("project", "rust"),
        PATH=staged_path(),
        RUSTUP_HOME=str(tmp_path / "rustup-home"),
    )
    assert ids(report) == ["rust-not-installed"]
    (step,) = report.findings[0].fixes
    assert step.argv == ("rustup", "default", "stable"), step


def _installed_toolchains() -> list[str]:
    import subprocess

    listed = subprocess.run(["rustup", "toolchain", "list"], capture_output=True, text=True)
    return [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]


def test_a_pin_older_than_pyo3_needs_is_moved_to_an_installed_toolchain(pyo3_project, staged_path):
    toolchains = _installed_toolchains()
    if not any(t.startswith("1.80-") for t in toolchains):
        pytest.skip("needs the rustup toolchain 1.80 (rustup toolchain install 1.80)")
    root = pyo3_project(
        pyo3="0.29", extra={"rust-toolchain.toml": '[toolchain]\nchannel = "1.80"\n'}
    )
    report = run(root, ("project", "rust"), PATH=staged_path())
    assert ids(report) == ["rustc-too-old"]
    facts = result(report, "rust").facts
    assert facts["rust_toolchain_pin"] == "1.80"
    fixes = report.findings[0].fixes
    # `rustup update stable` cannot move a pin: it is not offered
    assert not any(f.argv[:2] == ("rustup", "update") for f in fixes), fixes
    fit = facts["rust_toolchain_fit"]
    if fit is None:
        assert fixes[0].edit["value"] == '"1.83"'  # nothing new enough installed: the MSRV
        return
    assert any(t.startswith(f"{fit}-") or t == fit for t in toolchains), (fit, toolchains)
    assert fixes[0].edit == {
        "file": str(root / "rust-toolchain.toml"),
        "key": "toolchain.channel",
        "value": f'"{fit}"',
    }
