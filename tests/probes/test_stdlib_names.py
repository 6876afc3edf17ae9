"""module-name-shadows-stdlib against real interpreters, and the built extension's report when
the standard library's module is what `import` finds."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from helpers import ids, pyenv_python, result, run
from support import write_project


def venv_of(python: str, where: Path) -> Path:
    subprocess.run([python, "-m", "venv", "--without-pip", str(where)], check=True)
    return where


def test_a_module_named_datetime(pyo3_project, staged_path, tmp_path):
    env = venv_of(sys.executable, tmp_path / "env")
    report = run(
        pyo3_project(name="datetime"), ("module_name",), PATH=staged_path(), VIRTUAL_ENV=str(env)
    )
    assert [(f.id, f.severity.value) for f in report.findings] == [
        ("module-name-shadows-stdlib", "fail")
    ]
    shadowed = result(report, "module_name").facts["stdlib_module"]
    assert shadowed == str(Path(sysconfig.get_path("stdlib")) / "datetime.py")
    assert shadowed in report.findings[0].why
    assert "{" not in report.findings[0].fixes[0].text


def test_the_package_of_a_dotted_module_name_counts(pyo3_project, staged_path, tmp_path):
    env = venv_of(sys.executable, tmp_path / "env")
    root = pyo3_project(name="demo", pymodule="_core")
    (root / "pyproject.toml").write_text(
        (root / "pyproject.toml").read_text() + '\n[tool.maturin]\nmodule-name = "random._core"\n'
    )
    report = run(root, ("module_name",), PATH=staged_path(), VIRTUAL_ENV=str(env))
    assert ids(report) == ["module-name-shadows-stdlib"]
    assert "`random`" in report.findings[0].why


def test_the_test_package_is_found_in_the_interpreters_folders(pyo3_project, staged_path, tmp_path):
    # sys.stdlib_module_names leaves `test` out, yet an interpreter with its test suite has one
    if not (Path(sysconfig.get_path("stdlib")) / "test" / "__init__.py").is_file():
        pytest.skip("this Python has no test package")
    env = venv_of(sys.executable, tmp_path / "env")
    report = run(
        pyo3_project(name="test"), ("module_name",), PATH=staged_path(), VIRTUAL_ENV=str(env)
    )
    assert ids(report) == ["module-name-shadows-stdlib"]


def test_before_310_the_shipped_list_names_built_in_modules(pyo3_project, staged_path, tmp_path):
    # marshal is built into CPython: no file says so, and 3.9 has no sys.stdlib_module_names
    env = venv_of(pyenv_python("3.9"), tmp_path / "env")
    report = run(
        pyo3_project(name="marshal"), ("module_name",), PATH=staged_path(), VIRTUAL_ENV=str(env)
    )
    assert ids(report) == ["module-name-shadows-stdlib"]
    assert "knowledge/stdlib.toml" in result(report, "module_name").facts["stdlib_module"]


def test_a_name_the_standard_library_does_not_use(pyo3_project, staged_path, tmp_path):
    env = venv_of(sys.executable, tmp_path / "env")
    report = run(
        pyo3_project(name="datetime_rs"), ("module_name",), PATH=staged_path(), VIRTUAL_ENV=str(env)
    )
    assert ids(report) == []


def test_an_installed_module_the_standard_library_hides(pyo3_project, staged_path, tmp_path):
    # installed as maturin develop installs a pure layout (a package folder with the .so),
    # but `import datetime` gives the standard library's
    env = venv_of(sys.executable, tmp_path / "env")
    minor = f"{sys.version_info[0]}.{sys.version_info[1]}"
    site = env / "lib" / f"python{minor}" / "site-packages"
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    built = f"datetime/datetime{suffix}"
    write_project(site, {"datetime/__init__.py": "from .datetime import *\n", built: "x\n"})
    root = pyo3_project(name="datetime")
    report = run(root, ("artifact",), PATH=staged_path(), VIRTUAL_ENV=str(env))
    artifact = result(report, "artifact")
    assert "not built or installed yet" not in artifact.summary
    assert f"is installed ({site / built})" in artifact.summary
    assert "finds the standard library's" in artifact.summary
