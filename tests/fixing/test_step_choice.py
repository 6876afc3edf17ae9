"""Which step `fix --yes` carries out, on staged real machines: the best one for the facts
here; below a step only the user can carry out, only one that fixes the finding on its own,
never a command for another case. A package manager the test must not run is a recorder
(support.recorder) on the staged PATH: present, as on the machines these cases are about."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import clean_env, pyenv_python, recorder, run_cli

from pyo3_doctor.context import detect_platform


@pytest.fixture
def package_manager(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """(extra tools for staged_path: this platform's package manager and sudo, recording),
    the file they record their command lines in."""
    manager = detect_platform().package_manager
    tool = {"apt": "apt-get"}.get(manager, manager)
    if not tool:
        pytest.skip("no known package manager here")
    calls = tmp_path / "calls"
    return {tool: recorder(calls), "sudo": recorder(calls)}, calls


def fix(root: Path, home: Path, finding: str, **env: str):
    return run_cli(
        "fix", finding, "--yes", "--project", str(root), env=clean_env(**env), home=home, cwd=root
    )


def test_a_command_for_another_case_is_not_run_in_place_of_the_users_step(
    pyo3_project, staged_path, package_manager, tmp_path
):
    # no Rust anywhere: rustup's installer (by hand) is the step; the distribution's rustc is
    # often too old for PyO3, so its install is no cure on its own and must not run instead
    extra, calls = package_manager
    path = staged_path(without=("rustc", "cargo", "rustup"), extra=extra)
    (tmp_path / "cargo-home").mkdir()
    root = pyo3_project()
    ran = fix(
        root,
        tmp_path / "home",
        "rust-not-installed",
        PATH=path,
        CARGO_HOME=str(tmp_path / "cargo-home"),
    )
    assert ran.returncode == 2, ran.stderr
    assert "only you can carry out" in ran.stderr and "https://rustup.rs" in ran.stdout
    assert "--step" in ran.stderr  # the command is still there to pick
    assert not calls.exists(), calls.read_text()


def test_a_way_out_of_its_own_below_the_users_step_is_applied(pyo3_project, staged_path, tmp_path):
    # Python 3.7 with PyO3 0.29: pointing PyO3 at another Python comes first, and is the
    # user's to do; moving to PyO3 0.28 fixes it too, so `--yes` makes that edit
    old = pyenv_python("3.7")
    root = pyo3_project(pyo3="0.29")
    ran = fix(
        root, tmp_path / "home", "python-version-too-old", PATH=staged_path(), PYO3_PYTHON=old
    )
    assert ran.returncode == 0, ran.stderr
    assert "Plan (step 2 of" in ran.stderr and "is fixed" in ran.stderr
    assert 'pyo3 = "0.28"' in (root / "Cargo.toml").read_text()


def test_a_compiler_off_path_is_not_installed_again(
    pyo3_project, staged_path, package_manager, tmp_path
):
    standard = [d for d in ("/usr/bin", "/usr/local/bin") if os.path.isfile(f"{d}/cc")]
    if not standard:
        pytest.skip("no cc in /usr/bin or /usr/local/bin on this machine")
    extra, calls = package_manager
    path = staged_path(without=("cc", "gcc", "ld", "collect2"), extra=extra)
    ran = fix(pyo3_project(), tmp_path / "home", "linker-missing", PATH=path)
    assert ran.returncode == 2, ran.stderr
    assert f"export PATH={standard[0]}:" in ran.stdout
    assert "--step" not in ran.stderr  # no install step at all: cc is installed
    assert not calls.exists(), calls.read_text()


@pytest.fixture
def venv_and_conda(tmp_path: Path) -> dict[str, str]:
    """An active virtualenv, and CONDA_PREFIX naming a conda environment folder."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    conda = tmp_path / "conda-env"
    (conda / "conda-meta").mkdir(parents=True)
    return {"VIRTUAL_ENV": str(venv), "CONDA_PREFIX": str(conda)}


def test_a_left_over_conda_prefix_is_unset_not_configured(
    pyo3_project, staged_path, venv_and_conda, tmp_path
):
    # no conda installed: conda's own commands cannot run, the variable is what to drop
    root = pyo3_project()
    ran = fix(root, tmp_path / "home", "venv-conda-conflict", PATH=staged_path(), **venv_and_conda)
    assert ran.returncode == 2, ran.stderr
    assert ran.stdout.splitlines() == ["unset CONDA_PREFIX"], ran.stdout
    assert "conda deactivate" not in ran.stdout + ran.stderr
    assert "conda config" not in ran.stdout + ran.stderr and "--step" not in ran.stderr


def test_conda_config_does_not_run_in_place_of_leaving_the_environment(
    pyo3_project, staged_path, venv_and_conda, tmp_path
):
    # with conda installed, leaving its environment is the user's step; turning off
    # auto-activation only helps new shells, so it is not run in its place
    calls = tmp_path / "calls"
    path = staged_path(extra={"conda": recorder(calls)})
    ran = fix(pyo3_project(), tmp_path / "home", "venv-conda-conflict", PATH=path, **venv_and_conda)
    assert ran.returncode == 2, ran.stderr
    assert "conda deactivate" in ran.stdout and "unset" not in ran.stdout
    assert "--step 2: stop conda activating base" in ran.stderr
    assert not calls.exists(), calls.read_text()


def test_pyo3_python_naming_nothing_is_unset_not_a_python_install(
    pyo3_project, staged_path, package_manager, tmp_path
):
    # no virtualenv active (one would come first), and a Python on PATH: the stale variable
    # is what to drop
    extra, calls = package_manager
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    env = {"PATH": f"{venv}/bin{os.pathsep}{staged_path(extra=extra)}"}
    env["PYO3_PYTHON"] = str(tmp_path / "opt" / "python3.12")
    ran = fix(pyo3_project(), tmp_path / "home", "interpreter-not-found", **env)
    assert ran.returncode == 2, ran.stderr
    assert ran.stdout.splitlines()[0] == "unset PYO3_PYTHON", ran.stdout
    assert f"without it the build uses {venv}/bin/python" in ran.stderr
    # the other way names the venv's interpreter, never a made-up path
    assert f"export PYO3_PYTHON={venv}/bin/python" in ran.stdout
    assert "/path/to" not in ran.stdout + ran.stderr and "--step" not in ran.stderr
    assert not calls.exists(), calls.read_text()


def test_rust_off_path_is_a_path_line_not_rustup_or_an_install(
    pyo3_project, staged_path, package_manager, tmp_path
):
    # rustc, cargo and rustup all live in ~/.cargo/bin, which PATH does not list
    cargo_bin = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo")) / "bin"
    if not (cargo_bin / "rustc").exists():
        pytest.skip(f"no rustup-installed Rust in {cargo_bin}")
    extra, calls = package_manager
    path = staged_path(without=("rustc", "cargo", "rustup"), extra=extra)
    ran = fix(pyo3_project(), tmp_path / "home", "rust-not-installed", PATH=path)
    assert ran.returncode == 2, ran.stderr
    assert ran.stdout.splitlines() == [f'export PATH={cargo_bin}:"${{PATH}}"'], ran.stdout
    assert "rustup" not in ran.stdout and "--step" not in ran.stderr
    assert not calls.exists(), calls.read_text()
