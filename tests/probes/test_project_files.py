"""The project probe on files that parse but that maturin or cargo refuse, and on a Cargo
workspace root maturin would be run at: real files, every probe that reads them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ids, result, run
from support import CARGO, write_project

ALL_PROJECT_PROBES = ("project", "python", "extension_module", "module_name", "pyo3_compat")


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("files") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    return path


def fails(report) -> list[tuple[str, str | None]]:
    return [(f.id, f.location) for f in report.findings if f.severity.value == "fail"]


def test_a_pyproject_without_build_system(pyo3_project, staged_path, venv):
    root = pyo3_project()
    path = root / "pyproject.toml"
    path.write_text(path.read_text().split("[project]")[1].join(["[project]", ""]))
    report = run(root, ALL_PROJECT_PROBES, PATH=staged_path(), VIRTUAL_ENV=str(venv))
    assert fails(report) == [("project-file-invalid", f"{path}:1:1")]
    assert "missing field `build-system`" in report.findings[0].why


def test_a_maturin_key_of_the_wrong_type_is_pointed_at(pyo3_project, staged_path, venv):
    root = pyo3_project()
    path = root / "pyproject.toml"
    path.write_text(path.read_text() + '\n[tool.maturin]\nfeatures = "pyo3/extension-module"\n')
    report = run(root, ALL_PROJECT_PROBES, PATH=staged_path(), VIRTUAL_ENV=str(venv))
    line = len(path.read_text().splitlines())
    assert fails(report) == [("project-file-invalid", f"{path}:{line}:12")]
    finding = report.findings[0]
    assert 'invalid type: string "pyo3/extension-module", expected a sequence' in finding.why
    assert all("{" not in f.summary + f.text for f in finding.fixes)


def test_a_setup_py_project_is_not_held_to_maturins_types(pyo3_project, staged_path):
    # no [build-system]: pip builds it with setuptools (setup.py uses setuptools-rust)
    setup = "from setuptools import setup\nfrom setuptools_rust import RustExtension\n"
    extra = {"pyproject.toml": "[tool.black]\nline-length = 100\n", "setup.py": setup}
    assert ids(run(pyo3_project(extra=extra), ("project",), PATH=staged_path())) == []


def test_a_version_requirement_cargo_cannot_parse(pyo3_project, staged_path, venv):
    root = pyo3_project(pyo3="0.2x")
    report = run(root, ALL_PROJECT_PROBES, PATH=staged_path(), VIRTUAL_ENV=str(venv))
    manifest = root / "Cargo.toml"
    line = next(i for i, t in enumerate(manifest.read_text().splitlines(), 1) if "pyo3" in t)
    # cargo refuses the manifest: nothing is judged by a PyO3 "0.2" read out of it
    assert [(f.id, f.location) for f in report.findings] == [
        ("project-file-invalid", f"{manifest}:{line}:8")
    ]
    assert "failed to parse the version requirement `0.2x` for dependency `pyo3`" in (
        report.findings[0].why
    )
    assert result(report, "project").facts["pyo3_version"] is None
    assert result(report, "extension_module").status.value == "skip"


def test_a_workspace_requirement_is_pointed_at_in_the_workspace_manifest(tmp_path, staged_path):
    root = write_project(
        tmp_path / "ws",
        {
            "Cargo.toml": '[workspace]\nmembers = ["ext"]\n\n[workspace.dependencies]\n'
            'pyo3 = { version = "^0.27,", features = ["abi3"] }\n',
            "ext/Cargo.toml": '[package]\nname = "ext"\nversion = "0.1.0"\n[lib]\n'
            'crate-type = ["cdylib"]\n[dependencies]\npyo3 = { workspace = true }\n',
            "ext/src/lib.rs": "",
        },
    )
    report = run(root / "ext", ("project",), PATH=staged_path())
    assert fails(report) == [("project-file-invalid", f"{root / 'Cargo.toml'}:5:20")]


def _workspace(root: Path, members: dict[str, bool]) -> Path:
    """A virtual workspace root (no [package], no pyproject.toml) and its members, each with
    or without a pyo3 dependency."""
    files = {"Cargo.toml": f"[workspace]\nmembers = {list(members)!r}\n".replace("'", '"')}
    for name, uses_pyo3 in members.items():
        cargo = CARGO.format(name=name, lib=name, pyo3="0.27")
        files[f"{name}/Cargo.toml"] = cargo if uses_pyo3 else cargo.split("[dependencies]")[0]
        files[f"{name}/src/lib.rs"] = ""
    return write_project(root, files)


def test_a_workspace_root_with_one_pyo3_member(tmp_path, staged_path, venv):
    root = _workspace(tmp_path / "ws", {"core": False, "ext": True})
    report = run(root, ("project",), PATH=staged_path(), VIRTUAL_ENV=str(venv))
    assert fails(report) == [("maturin-workspace-root", "Cargo.toml")]
    (fix, *others) = report.findings[0].fixes
    assert fix.text.startswith("maturin develop -m ext/Cargo.toml"), fix
    assert not others  # no pyproject.toml here to write manifest-path into
    assert "<" not in fix.summary + fix.text


def test_a_workspace_root_with_several_pyo3_members_names_them(tmp_path, staged_path, venv):
    root = _workspace(tmp_path / "ws", {"one": True, "two": True})
    report = run(root, ("project",), PATH=staged_path(), VIRTUAL_ENV=str(venv))
    assert ids(report) == ["maturin-workspace-root"]
    (fix,) = report.findings[0].fixes
    assert "one/Cargo.toml, two/Cargo.toml" in fix.text and "-m one/Cargo.toml" in fix.text
    assert "<" not in fix.summary + fix.text


def test_a_workspace_of_no_pyo3_crates_is_no_pyo3_project(tmp_path, staged_path):
    root = _workspace(tmp_path / "ws", {"core": False})
    report = run(root, ("project",), PATH=staged_path())
    assert ids(report) == [] and result(report, "project").facts.get("no_project")
