"""maturin, virtualenv, python_dev and project probes against staged environments."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ids, pyenv_python, result, run

from pyo3_doctor.model import Status

OLD_MATURIN = "#!/bin/sh\necho 'maturin 0.14.17'\n"


@pytest.fixture(scope="module")
def bare_venv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bare") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path


def test_maturin_on_path_in_range(pyo3_project, staged_path):
    maturin = result(run(pyo3_project(), ("project", "maturin"), PATH=staged_path()), "maturin")
    assert maturin.status is Status.OK, maturin.summary


def test_maturin_outside_the_pyproject_range(pyo3_project, staged_path):
    report = run(
        pyo3_project(), ("project", "maturin"), PATH=staged_path(extra={"maturin": OLD_MATURIN})
    )
    assert ids(report) == ["maturin-version"]
    assert "maturin>=1.0,<2.0" in report.findings[0].why
    assert "maturin>=1.0,<2.0" in report.findings[0].fixes[0].argv


@pytest.mark.parametrize("wanted", ["maturin>=2.0", "maturin>=2", "maturin~=2.1"])
def test_a_requirement_no_maturin_release_meets_is_fixed_in_the_file(
    pyo3_project, staged_path, wanted
):
    # no maturin 2 exists (knowledge/versions.toml releases_below): the fix is the
    # requirement as `maturin new` writes it, never a pip install pip cannot carry out
    root = pyo3_project()
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("maturin>=1.0,<2.0", wanted))
    report = run(root, ("project", "maturin"), PATH=staged_path())
    assert ids(report) == ["maturin-version"]
    (step,) = report.findings[0].fixes
    assert step.edit == {
        "file": "pyproject.toml",
        "key": "build-system.requires",
        "value": '["maturin>=1.0,<2.0"]',
    }


def test_venv_without_maturin(pyo3_project, staged_path, bare_venv):
    report = run(
        pyo3_project(),
        ("python", "maturin"),
        PATH=staged_path(without=("maturin",)),
        VIRTUAL_ENV=str(bare_venv),
    )
    assert ids(report) == ["maturin-not-installed"]
    fix = report.findings[0].fixes[0]
    assert fix.argv[0] == str(bare_venv / "bin" / "python")
    assert fix.argv[1:4] == ("-m", "pip", "install")


def test_project_version_missing_with_new_maturin(tmp_path, staged_path, pyo3_project):
    root = pyo3_project()
    text = (root / "pyproject.toml").read_text().replace('version = "0.1.0"\n', "")
    (root / "pyproject.toml").write_text(text)
    report = run(root, ("project", "maturin"), PATH=staged_path())
    assert ids(report) == ["maturin-version"]
    # maturin >= 1.8 refuses to build it: a fail, by the entry's rule, as diagnose says it
    assert report.findings[0].severity.value == "fail"


def test_no_virtualenv_anywhere(pyo3_project, staged_path):
    report = run(pyo3_project(), ("virtualenv",), PATH=staged_path())
    assert ids(report) == ["virtualenv-missing"]


def test_dot_venv_is_found_without_activation(pyo3_project, staged_path):
    root = pyo3_project()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    venv = result(run(root / "src", ("virtualenv",), PATH=staged_path()), "virtualenv")
    assert venv.status is Status.OK


def test_an_inactive_dot_venv_is_the_python_checked(pyo3_project, staged_path):
    # maturin develop builds for the .venv's 3.12 without activation: so do the checks
    other = pyenv_python("3.12")
    root = pyo3_project()
    subprocess.run([other, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    report = run(root, ("python", "virtualenv"), PATH=staged_path())
    assert ids(report) == []
    python = result(report, "python")
    assert python.facts["python_source"] == ".venv" and python.facts["python_version"][:4] == "3.12"


def test_a_dot_venv_on_another_python_than_the_one_asked_for_is_reported(pyo3_project, staged_path):
    # --python names another interpreter than the .venv maturin develop would use
    other = pyenv_python("3.12")
    root = pyo3_project()
    subprocess.run([other, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    report = run(root, ("python", "virtualenv"), PATH=staged_path(), python=sys.executable)
    assert ids(report) == ["venv-not-activated"]
    finding = report.findings[0]
    assert "3.12" in finding.why and sys.version.split()[0] in finding.why
    assert f"source {root / '.venv'}/bin/activate" in finding.fixes[0].text


def test_an_inactive_dot_venv_checked_with_python_is_not_reported(pyo3_project, staged_path):
    root = pyo3_project()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    python = str(root / ".venv" / "bin" / "python")
    venv = result(run(root, ("virtualenv",), PATH=staged_path(), python=python), "virtualenv")
    assert venv.status is Status.OK and "another environment" not in venv.summary


@pytest.mark.parametrize(
    "cfg", ["version = 3.12.1", "version_info = 3.12.1.final.0", "version_info = 3.12.1"]
)
def test_the_dot_venv_version_is_read_as_venv_uv_and_virtualenv_write_it(
    cfg, pyo3_project, staged_path
):
    root = pyo3_project()
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "python").symlink_to(pyenv_python("3.12"))
    (root / ".venv" / "pyvenv.cfg").write_text(f"home = /usr/bin\n{cfg}\n")
    asked = run(root, ("virtualenv",), PATH=staged_path(), python=sys.executable)
    venv = result(asked, "virtualenv")
    assert venv.facts["venv_python_version"] == "3.12.1"
    assert venv.status is Status.WARN


def test_dot_venv_without_pyvenv_cfg(pyo3_project, staged_path):
    root = pyo3_project()
    (root / ".venv" / "bin").mkdir(parents=True)
    venv = result(run(root, ("virtualenv",), PATH=staged_path()), "virtualenv")
    assert venv.status is Status.FAIL and "pyvenv.cfg" in venv.summary  # maturin bails


def test_virtualenv_and_conda_both_set(pyo3_project, staged_path, bare_venv, tmp_path):
    report = run(
        pyo3_project(),
        ("virtualenv",),
        PATH=staged_path(),
        VIRTUAL_ENV=str(bare_venv),
        CONDA_PREFIX=str(tmp_path / "conda"),
    )
    assert ids(report) == ["venv-conda-conflict"]


def test_extension_needs_no_python_dev(pyo3_project, staged_path):
    dev = result(run(pyo3_project(), ("python_dev",), PATH=staged_path()), "python_dev")
    assert dev.status is Status.OK and "needs neither" in dev.summary


def test_malformed_pyproject_is_reported_with_its_location_and_never_touched(
    pyo3_project, staged_path
):
    root = pyo3_project()
    path = root / "pyproject.toml"
    broken = path.read_text() + "\n[tool.maturin\nfeatures = [\n"
    path.write_text(broken)
    report = run(root, ("project",), PATH=staged_path())
    assert ids(report) == ["project-file-invalid"]
    finding = report.findings[0]
    assert finding.location and finding.location.startswith(f"{path}:")
    line = int(finding.location.split(":")[1])
    assert broken.splitlines()[line - 1].startswith("[tool.maturin")
    assert path.read_text() == broken


def test_non_utf8_cargo_toml(pyo3_project, staged_path):
    root = pyo3_project()
    (root / "Cargo.toml").write_bytes(b'[package]\nname = "\xff\xfe"\n')
    report = run(root, ("project",), PATH=staged_path())
    assert ids(report) == ["project-file-invalid"]
    assert "UTF-8" in report.findings[0].why


def test_no_project_is_a_skip(tmp_path, staged_path):
    project = result(run(tmp_path, ("project",), PATH=staged_path()), "project")
    assert project.status is Status.SKIP
