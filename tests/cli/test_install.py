"""The built wheel, installed as users install it: one import name, nothing shadowed.

The wheel is built from this checkout once per run and installed into a fresh virtualenv
(without pip; the development environment's dependencies are made visible by one .pth line,
as benches/installed.py does). A foreign distribution's top-level `probes` and `knowledge`
packages sit beside it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from support import REPO, clean_env, write_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from the committed files only, as a fresh clone would build it (a
    checkout's build/ folder may hold another layout's leftovers)."""
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheels")
    listed = (
        subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("pyo3_doctor-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The venv's bin folder, with the wheel and a foreign `probes`/`knowledge` installed."""
    env = tmp_path_factory.mktemp("venv")
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (purelib / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    for name in ("probes", "knowledge"):  # another distribution's generic top-level names
        (purelib / name).mkdir(exist_ok=True)
        (purelib / name / "__init__.py").write_text(f"OWNER = 'foreign {name}'\n")
    return env / "bin"


def test_the_wheel_holds_one_package_with_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"pyo3_doctor"}
    assert "pyo3_doctor/knowledge/toolchain.toml" in names
    assert "pyo3_doctor/probes/linker.py" in names
    assert "pyo3_doctor/schema/report.schema.json" in names
    assert "pyo3_doctor/tui/doctor.tcss" in names


def test_a_foreign_probes_and_knowledge_still_import(installed, tmp_path):
    code = (
        "import probes, knowledge, pyo3_doctor.probes, pyo3_doctor.knowledge\n"
        "print(probes.OWNER, '|', knowledge.OWNER, '|', len(pyo3_doctor.probes.ALL))"
    )
    out = subprocess.run(
        [str(installed / "python"), "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(),
    )
    probes = len([p for p in (REPO / "probes").glob("*.py") if not p.name.startswith("_")])
    assert out.stdout.split(" | ") == ["foreign probes", "foreign knowledge", f"{probes}\n"], (
        out.stderr
    )


@pytest.mark.parametrize("how", ["script", "module"])
def test_it_runs_in_a_project_with_its_own_probes_and_knowledge(installed, tmp_path, how):
    project = write_project(
        tmp_path / "proj",
        {
            "probes.py": "raise SystemExit('the project probes.py was imported')\n",
            "knowledge/__init__.py": "raise SystemExit('the project knowledge was imported')\n",
            "pyproject.toml": '[project]\nname = "x"\nversion = "0.1.0"\n',
        },
    )
    command = (
        [str(installed / "pyo3-doctor")]
        if how == "script"
        else [str(installed / "python"), "-m", "pyo3_doctor"]
    )
    ran = subprocess.run(
        [*command, "--json"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env=clean_env(HOME=str(tmp_path), PATH=os.environ["PATH"]),
    )
    assert ran.returncode in (0, 1), ran.stderr
    report = json.loads(ran.stdout)
    assert report["context"]["project"] == str(project)


@pytest.mark.slow
def test_a_wheel_and_an_sdist_build_cleanly_and_the_sdist_installs_and_runs(tmp_path):
    import subprocess
    import sys

    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if built.returncode != 0 and "No module named build" in built.stderr:
        pytest.skip("the build package is not installed")
    assert built.returncode == 0, built.stderr[-3000:]
    wheel, sdist = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    assert wheel and sdist
    twine = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, wheel + sdist)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert twine.returncode == 0, twine.stdout + twine.stderr
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", str(sdist[0])],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    ran = subprocess.run(
        [str(venv / "bin" / "pyo3-doctor"), "--version"], capture_output=True, text=True
    )
    assert ran.returncode == 0 and ran.stdout.startswith("pyo3-doctor ")
