"""python probe: which interpreter, found how, and does the project's PyO3 support it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ids, pyenv_python, result, run
from support import clean_env

from pyo3_doctor.context import Context
from pyo3_doctor.machine.interpreter import inspect
from pyo3_doctor.model import Status


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    return path


def test_python3_on_path(pyo3_project, staged_path):
    python = result(run(pyo3_project(), ("python",), PATH=staged_path()), "python")
    assert python.status is Status.OK
    assert python.facts["python_source"] == "PATH"
    assert python.facts["python_version"].startswith(f"{sys.version_info[0]}.")


def test_pyo3_python_wins(pyo3_project, staged_path, venv):
    target = str(venv / "bin" / "python")
    python = result(
        run(pyo3_project(), ("python",), PATH=staged_path(), PYO3_PYTHON=target), "python"
    )
    assert python.facts["python_source"] == "PYO3_PYTHON"
    assert python.facts["python"] == target


def test_active_virtualenv_is_used(pyo3_project, staged_path, venv):
    python = result(
        run(pyo3_project(), ("python",), PATH=staged_path(), VIRTUAL_ENV=str(venv)), "python"
    )
    assert python.facts["python_source"] == "VIRTUAL_ENV"


def test_an_active_virtualenv_wins_over_pyo3_python(pyo3_project, staged_path, venv):
    # maturin develop builds for the virtualenv it installs into and sets PYO3_PYTHON itself
    report = run(
        pyo3_project(),
        ("python",),
        PATH=staged_path(),
        VIRTUAL_ENV=str(venv),
        PYO3_PYTHON=pyenv_python("3.12"),
    )
    python = result(report, "python")
    assert python.facts["python_source"] == "VIRTUAL_ENV"
    assert python.facts["python"] == str(venv / "bin" / "python")
    assert "is what cargo build and maturin build use" in python.summary
    assert ids(report) == []


def test_a_dot_venv_wins_over_pyo3_python(pyo3_project, staged_path):
    root = pyo3_project()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    report = run(root, ("python",), PATH=staged_path(), PYO3_PYTHON=pyenv_python("3.12"))
    assert result(report, "python").facts["python_source"] == ".venv"


def test_pyo3_python_pointing_nowhere_beside_a_virtualenv_only_warns(
    pyo3_project, staged_path, venv, tmp_path
):
    # maturin develop builds for the virtualenv: only cargo build and maturin build break
    missing = str(tmp_path / "opt" / "python3.12")
    report = run(
        pyo3_project(), ("python",), PATH=staged_path(), VIRTUAL_ENV=str(venv), PYO3_PYTHON=missing
    )
    assert [(f.id, f.severity.value) for f in report.findings] == [
        ("pyo3-python-not-found", "warn")
    ]
    finding = report.findings[0]
    assert "cargo build" in finding.why and "maturin develop" in finding.why
    assert finding.fixes[0].env == {"PYO3_PYTHON": str(venv / "bin" / "python")}
    assert all(not f.argv for f in finding.fixes)  # nothing to install: the Python is there


def test_a_virtualenv_python_too_old_is_judged_whatever_pyo3_python_says(
    pyo3_project, staged_path, tmp_path
):
    # the old Python maturin develop builds for is the one judged; PYO3_PYTHON is no way out
    old = tmp_path / "old"
    subprocess.run([pyenv_python("3.7"), "-m", "venv", "--without-pip", str(old)], check=True)
    root = pyo3_project(pyo3="0.29")
    report = run(
        root,
        ("project", "python"),
        PATH=staged_path(),
        VIRTUAL_ENV=str(old),
        PYO3_PYTHON=pyenv_python("3.12"),
    )
    (finding,) = [f for f in report.findings if f.id == "python-version-too-old"]
    assert finding.severity.value == "fail"
    assert not any(f.env and "PYO3_PYTHON" in f.env for f in finding.fixes)
    venv_fix = next(f for f in finding.fixes if "virtualenv" in f.summary)
    assert str(old) in venv_fix.text and f"-m venv {root}/.venv-3." in venv_fix.text


def test_python_flag_overrides_everything(pyo3_project, staged_path, venv):
    python = result(
        run(
            pyo3_project(),
            ("python",),
            PATH=staged_path(),
            python=sys.executable,
            PYO3_PYTHON=str(venv / "bin" / "python"),
        ),
        "python",
    )
    assert python.facts["python_source"] == "--python"


def test_pyo3_python_pointing_nowhere(pyo3_project, staged_path, tmp_path):
    report = run(
        pyo3_project(), ("python",), PATH=staged_path(), PYO3_PYTHON=str(tmp_path / "no-python")
    )
    assert result(report, "python").status is Status.FAIL
    assert ids(report) == ["interpreter-not-found"]


def test_no_python_on_path(pyo3_project, staged_path):
    report = run(pyo3_project(), ("python",), PATH=staged_path(without=("python3", "python")))
    assert ids(report) == ["interpreter-not-found"]


def test_interpreter_that_prints_garbage(pyo3_project, staged_path):
    fake = "#!/bin/sh\necho 'Python 3.99 but not really'\n"
    report = run(
        pyo3_project(), ("python",), PATH=staged_path(without=("python",), extra={"python3": fake})
    )
    assert ids(report) == ["interpreter-not-found"]
    assert "not understood" in result(report, "python").summary


def test_python_older_than_pyo3_supports(pyo3_project, staged_path):
    old = pyenv_python("3.8")
    report = run(
        pyo3_project(pyo3="0.30"), ("project", "python"), PATH=staged_path(), PYO3_PYTHON=old
    )
    assert "python-version-too-old" in ids(report)
    finding = report.findings[0]
    assert "3.9" in finding.why and "3.8" in finding.why


def test_python_newer_than_pyo3_supports(pyo3_project, staged_path):
    new = pyenv_python("3.13")
    report = run(
        pyo3_project(pyo3="0.21"), ("project", "python"), PATH=staged_path(), PYO3_PYTHON=new
    )
    assert "python-version-unsupported" in ids(report)
    fixes = report.findings[0].fixes
    # first: the Cargo.toml edit to the first series that supports 3.13, with what it changes
    assert fixes[0].edit and fixes[0].edit["key"] == "dependencies.pyo3"
    assert fixes[0].edit["value"] == '"0.22"' and "0.22:" in fixes[0].summary
    # then an interpreter here that PyO3 0.21 takes, by its real path
    pythons = next(f for f in fixes if f.env and "PYO3_PYTHON" in f.env)
    assert Path(pythons.env["PYO3_PYTHON"]).exists()
    assert any(f.env == {"PYO3_USE_ABI3_FORWARD_COMPATIBILITY": "1"} for f in fixes)


def test_the_forward_compatibility_escape_hatch_is_honoured(pyo3_project, staged_path):
    new = pyenv_python("3.13")
    report = run(
        pyo3_project(pyo3="0.21"),
        ("project", "python"),
        PATH=staged_path(),
        PYO3_PYTHON=new,
        PYO3_USE_ABI3_FORWARD_COMPATIBILITY="1",
    )
    assert "python-version-unsupported" not in ids(report)
    assert "stable ABI" in result(report, "python").summary


def test_pyo3_too_new_for_python_37_names_the_newest_that_fits(pyo3_project, staged_path):
    old = pyenv_python("3.7")
    report = run(
        pyo3_project(pyo3="0.29"), ("project", "python"), PATH=staged_path(), PYO3_PYTHON=old
    )
    (finding,) = [f for f in report.findings if f.id == "python-version-too-old"]
    texts = " ".join(f.summary + (f.text or "") for f in finding.fixes)
    assert "0.15" not in texts and "0.28" in texts, texts
    assert finding.fixes[0].env and Path(finding.fixes[0].env["PYO3_PYTHON"]).exists()


def test_without_a_project_versions_are_only_a_note(tmp_path, staged_path):
    # no PyO3 to judge by: what the newest would say is in the summary, not a finding
    old = pyenv_python("3.8")
    report = run(tmp_path, ("project", "python"), PATH=staged_path(), PYO3_PYTHON=old)
    assert report.findings == ()
    assert "would find python-version-too-old" in result(report, "python").summary


def test_a_pyenv_shim_is_asked_from_the_project_where_python_version_picks(pyo3_project):
    # A `.python-version` in the project picks the interpreter behind pyenv's shim, as it
    # does for maturin run there; asked from anywhere else, the shim answers with its global.
    shims = Path.home() / ".pyenv" / "shims"
    if not (shims / "python3").exists():
        pytest.skip("no pyenv shims on this machine")
    local = Path(pyenv_python("3.12")).parents[1].name  # "3.12.1"
    root = pyo3_project(extra={".python-version": local + "\n"})
    report = run(root, ("python",), PATH=f"{shims}{os.pathsep}/usr/bin{os.pathsep}/bin")
    assert result(report, "python").facts["python_version"] == local


def test_modules_in_the_project_shadow_nothing_in_the_interpreter(pyo3_project, staged_path):
    # The sysconfig dump runs in the project (see above), yet a json.py or sysconfig.py there
    # must not be what the interpreter imports.
    broken = "raise SystemExit('imported from the project')\n"
    root = pyo3_project(extra={"json.py": broken, "sysconfig.py": broken, "struct.py": broken})
    report = run(root, ("python",), PATH=staged_path())
    python = result(report, "python")
    assert python.status is Status.OK, python.summary
    assert python.facts["python_version"] == ".".join(map(str, sys.version_info[:3]))


@pytest.mark.parametrize("pythonpath", [":/no/such/dir", "."])
def test_a_pythonpath_naming_the_project_again_shadows_nothing_either(
    pyo3_project, staged_path, pythonpath
):
    # An empty entry (`PYTHONPATH=$PYTHONPATH:/x` with it unset) or "." puts the project back
    # on sys.path from the start. What the interpreter imports while starting would break any
    # Python run there, maturin's too; the inspect script's own sysconfig must not.
    root = pyo3_project(extra={"sysconfig.py": "raise SystemExit('from the project')\n"})
    report = run(root, ("python",), PATH=staged_path(), PYTHONPATH=pythonpath)
    python = result(report, "python")
    assert python.status is Status.OK, python.summary


def test_an_interpreter_under_a_non_ascii_path_is_read_back_exactly(tmp_path):
    # The inspect script prints ASCII escapes, so even an interpreter told to write ASCII
    # only reports where it lives correctly.
    env = tmp_path / "vénv ☃"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    target = str(env / "bin" / "python")
    ctx = Context.from_process(
        env=clean_env(PYO3_PYTHON=target, PYTHONIOENCODING="ascii"), cwd=str(tmp_path)
    )
    found = inspect(ctx)
    assert found.info is not None, found.problem
    assert (found.path, found.info["prefix"]) == (target, str(env))
