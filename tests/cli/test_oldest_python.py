"""The oldest Python we support runs the installed package: a real venv, a real install."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from support import REPO, clean_env

PYENV = Path.home() / ".pyenv" / "versions"


def python39() -> str:
    found = sorted(PYENV.glob("3.9.*/bin/python3.9")) or [
        Path(p) for p in [shutil.which("python3.9")] if p
    ]
    if not found:
        pytest.skip("no Python 3.9 on this machine")
    return str(found[-1])


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("py39") / "env"
    subprocess.run([python39(), "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if pip.returncode != 0:
        pytest.skip(f"could not install into Python 3.9: {pip.stderr.strip()[-300:]}")
    return venv / "bin" / "pyo3-doctor"


def test_check_diagnose_and_knowledge_run_on_39(installed, pyo3_project, tmp_path):
    root = pyo3_project()
    env = clean_env(HOME=str(tmp_path))
    env.setdefault("RUSTUP_HOME", str(Path.home() / ".rustup"))
    report = subprocess.run(
        [str(installed), "--json"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in report.stderr, report.stderr
    data = json.loads(report.stdout)
    assert not [p["id"] for p in data["probes"] if p["status"] == "crash"]
    log = tmp_path / "build.log"
    log.write_text("error: linker `cc` not found\n")
    diag = subprocess.run(
        [str(installed), "diagnose", "--no-probes", str(log)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert diag.returncode == 1 and "linker-missing" in diag.stdout, diag.stderr
    listing = subprocess.run(
        [str(installed), "knowledge"], env=env, capture_output=True, text=True, timeout=60
    )
    assert listing.returncode == 0 and "module-name-mismatch" in listing.stdout
