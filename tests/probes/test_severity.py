"""A state certain to fail the build or the import is a fail; one where the build still works
is a warn. The level is the knowledge entry's rule, the same in a check and in a diagnosis."""

from __future__ import annotations

import io
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from helpers import ids, result, run
from support import clean_env, write_project

from pyo3_doctor.context import Context
from pyo3_doctor.diagnosis.diagnose import diagnose
from pyo3_doctor.model import Severity, Status


def severities(report) -> dict[str, str]:
    return {f.id: f.severity.value for f in report.findings}


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sev") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    return path


def test_no_virtualenv_for_a_maturin_project_fails(pyo3_project, staged_path):
    report = run(pyo3_project(), ("project", "virtualenv"), PATH=staged_path())
    assert severities(report) == {"virtualenv-missing": "fail"}
    assert result(report, "virtualenv").status is Status.FAIL


def test_no_virtualenv_on_a_ci_runner_only_warns(pyo3_project, staged_path):
    # a job builds with maturin build or pip; maturin develop is not what it runs
    report = run(pyo3_project(), ("project", "virtualenv"), PATH=staged_path(), CI="true")
    assert severities(report) == {"virtualenv-missing": "warn"}


def test_a_log_of_maturin_develop_without_a_virtualenv_fails_on_a_ci_runner_too(
    pyo3_project, staged_path
):
    log = "💥 maturin failed\n  Caused by: Couldn't find a virtualenv or conda environment\n"
    env = clean_env(PATH=staged_path(), CI="true")
    ctx = Context.from_process(env=env, cwd=str(pyo3_project()), timeout=20)
    found = diagnose(io.BytesIO(log.encode()), ctx).report.findings
    assert [(f.id, f.severity) for f in found] == [("virtualenv-missing", Severity.FAIL)]


def test_no_virtualenv_is_no_finding_where_maturin_is_not_the_builder(pyo3_project, staged_path):
    backend = '[build-system]\nrequires = ["setuptools", "setuptools-rust"]\n'
    backend += 'build-backend = "setuptools.build_meta"\n[project]\nname = "demo"\n'
    root = pyo3_project(extra={"pyproject.toml": backend})
    report = run(root, ("project", "virtualenv"), PATH=staged_path())
    assert ids(report) == []
    assert result(report, "virtualenv").status is Status.SKIP


def test_requires_python_excluding_the_interpreter_fails(pyo3_project, staged_path, venv):
    root = pyo3_project()
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'requires-python = ">=3.99"\n')
    report = run(root, ("project", "pyo3_compat"), PATH=staged_path(), VIRTUAL_ENV=str(venv))
    assert severities(report) == {"requires-python-excludes-interpreter": "fail"}
    # maturin develop builds for the virtualenv: PYO3_PYTHON is not the way out
    text = " ".join(f.text for f in report.findings[0].fixes)
    assert "virtualenv" in text and "export PYO3_PYTHON" not in text


def _renamed_without_a_rebuild(root: Path, venv: Path, init: str) -> None:
    """A mixed project whose module became `pkg._rust`, with the old `_core` build left in
    the package, installed as maturin develop installs a mixed layout (a .pth naming
    python/)."""
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        + '\n[tool.maturin]\npython-source = "python"\nmodule-name = "pkg._rust"\n'
    )
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    write_project(root, {"python/pkg/__init__.py": init, f"python/pkg/_core{suffix}": "old\n"})
    site = venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    (site / "pkg.pth").write_text(str(root / "python") + "\n")


def test_a_stale_build_that_no_longer_imports_fails(pyo3_project, staged_path, tmp_path):
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    root = pyo3_project(pymodule="_rust")
    _renamed_without_a_rebuild(root, env, "from ._rust import double\n")
    report = run(root, ("project", "artifact"), PATH=staged_path(), VIRTUAL_ENV=str(env))
    assert severities(report) == {"stale-extension-build": "fail"}
    assert "No module named 'pkg._rust'" in report.findings[0].why


def test_a_stale_build_that_still_imports_warns(pyo3_project, staged_path, tmp_path):
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    root = pyo3_project(pymodule="_rust")
    _renamed_without_a_rebuild(root, env, "")
    report = run(root, ("project", "artifact"), PATH=staged_path(), VIRTUAL_ENV=str(env))
    assert severities(report) == {"stale-extension-build": "warn"}


def _requires(root: Path, requirement: str) -> None:
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("maturin>=1.0,<2.0", requirement))


def test_a_maturin_requirement_no_release_meets_fails(pyo3_project, staged_path):
    root = pyo3_project()
    _requires(root, "maturin>=2.0")  # maturin is 1.x, its newest release 1.x too
    report = run(root, ("project", "maturin"), PATH=staged_path())
    assert severities(report) == {"maturin-version": "fail"}
    fix = report.findings[0].fixes[0]
    assert fix.edit and fix.edit["key"] == "build-system.requires"
    assert fix.edit["value"] == '["maturin>=1.0,<2.0"]'
    assert all("install" not in f.argv for f in report.findings[0].fixes)


def test_a_maturin_requirement_a_release_may_meet_only_warns(pyo3_project, staged_path):
    root = pyo3_project()
    _requires(root, "maturin>=1.99")  # a newer 1.x may exist: pip would fetch it
    report = run(root, ("project", "maturin"), PATH=staged_path())
    assert severities(report) == {"maturin-version": "warn"}


def test_a_log_of_the_same_state_gets_the_same_level(pyo3_project, staged_path):
    root = pyo3_project()
    _requires(root, "maturin>=2.0")
    log = (
        "Warning: You specified maturin>=2.0 in pyproject.toml under `build-system.requires`, "
        "but the current maturin version is 1.16.0\n"
    )
    ctx = Context.from_process(env=clean_env(PATH=staged_path()), cwd=str(root), timeout=20)
    found = diagnose(io.BytesIO(log.encode()), ctx).report.findings
    assert [(f.id, f.severity) for f in found][:1] == [("maturin-version", Severity.FAIL)]
