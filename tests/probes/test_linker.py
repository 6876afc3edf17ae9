"""linker probe: ok, missing, configured elsewhere, printing garbage."""

from __future__ import annotations

import os
import shutil

import pytest
from helpers import ids, result, run
from support import host_linker_var, recorder

from pyo3_doctor.context import detect_platform
from pyo3_doctor.model import Status

TRIPLE_VAR = "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER"


def test_cc_present(pyo3_project, staged_path):
    report = run(pyo3_project(), ("linker",), PATH=staged_path())
    assert result(report, "linker").status is Status.OK


def test_a_linker_installed_nowhere_gives_the_install_for_this_package_manager(
    pyo3_project, staged_path, tmp_path
):
    manager = detect_platform().package_manager
    tool = {"apt": "apt-get"}.get(manager, manager)
    if not tool:
        pytest.skip("no known package manager here")
    calls = tmp_path / "calls"
    path = staged_path(extra={tool: recorder(calls), "sudo": recorder(calls)})
    env = {host_linker_var(): "cc-installed-nowhere", "PATH": path}
    report = run(pyo3_project(), ("linker",), **env)
    assert result(report, "linker").status is Status.FAIL
    assert ids(report) == ["linker-missing"]
    (install,) = report.findings[0].fixes
    # sudo only when not root
    assert (install.argv[0] == "sudo") == (os.geteuid() != 0), install.argv
    assert tool in install.argv and not calls.exists()


def test_no_install_step_where_the_package_manager_is_absent(pyo3_project, staged_path):
    # a package manager this machine lacks cannot install anything: its step is not offered
    env = {host_linker_var(): "cc-installed-nowhere", "PATH": staged_path()}
    report = run(pyo3_project(), ("linker",), **env)
    assert ids(report) == ["linker-missing"]
    assert [f.argv for f in report.findings[0].fixes if f.argv] == []


def test_cc_installed_but_off_path_is_a_path_fix(pyo3_project, staged_path):
    # the staged PATH lists no system folder; the machine's own cc is still in /usr/bin
    real = os.path.realpath(shutil.which("cc") or "")
    standard = [d for d in ("/usr/bin", "/usr/local/bin") if os.path.isfile(f"{d}/cc")]
    if not standard:
        pytest.skip("no cc in /usr/bin or /usr/local/bin on this machine")
    report = run(pyo3_project(), ("linker",), PATH=staged_path(without=("cc",)))
    linker = result(report, "linker")
    assert f"it is at {standard[0]}/cc" in linker.summary, (linker.summary, real)
    # installing it again would change nothing: the PATH line is the one step
    (first,) = report.findings[0].fixes
    assert first.env == {"PATH": f"{standard[0]}:$PATH"}, first


def test_linker_named_by_cargo_env_var(pyo3_project, staged_path):
    import platform

    if platform.machine() != "x86_64":
        return
    report = run(
        pyo3_project(), ("linker",), PATH=staged_path(), **{TRIPLE_VAR: "clang-that-is-not-here"}
    )
    linker = result(report, "linker")
    assert linker.status is Status.FAIL
    assert "clang-that-is-not-here" in linker.summary and TRIPLE_VAR in linker.summary


def test_linker_named_in_cargo_config(pyo3_project, staged_path, tmp_path):
    import subprocess

    from pyo3_doctor.machine.toolchain import parse_rustc_vv

    host = parse_rustc_vv(subprocess.run(["rustc", "-vV"], capture_output=True, text=True).stdout)[
        1
    ]
    root = pyo3_project(extra={".cargo/config.toml": f'[target.{host}]\nlinker = "my-ld"\n'})
    linker = result(run(root, ("linker",), PATH=staged_path()), "linker")
    assert linker.status is Status.FAIL
    assert "my-ld" in linker.summary and "config.toml" in linker.summary


def test_linker_printing_invalid_utf8_is_read_with_replacement(pyo3_project, staged_path):
    cc = "#!/bin/sh\nprintf 'cc \\377\\376 version 1\\n'\n"
    linker = result(run(pyo3_project(), ("linker",), PATH=staged_path(extra={"cc": cc})), "linker")
    assert linker.status is Status.OK
    assert "\ufffd" in linker.summary


def _host() -> str:
    import subprocess

    from pyo3_doctor.machine.toolchain import parse_rustc_vv

    return parse_rustc_vv(subprocess.run(["rustc", "-vV"], capture_output=True, text=True).stdout)[
        1
    ]


def test_cargo_reads_config_before_config_toml(pyo3_project, staged_path):
    host = _host()
    root = pyo3_project(
        extra={
            ".cargo/config": f'[target.{host}]\nlinker = "old-name-ld"\n',
            ".cargo/config.toml": f'[target.{host}]\nlinker = "new-name-ld"\n',
        }
    )
    linker = result(run(root, ("linker",), PATH=staged_path()), "linker")
    assert "old-name-ld" in linker.summary


def test_global_cargo_config_under_home(pyo3_project, staged_path, tmp_path):
    home = tmp_path / "home"
    (home / ".cargo").mkdir(parents=True)
    (home / ".cargo" / "config.toml").write_text(f'[target.{_host()}]\nlinker = "home-ld"\n')
    env = {"HOME": str(home), "RUSTUP_HOME": os.path.expanduser("~/.rustup")}
    linker = result(run(pyo3_project(), ("linker",), PATH=staged_path(), **env), "linker")
    assert "home-ld" in linker.summary and str(home) in linker.summary
