"""A command fix for real: maturin installed from PyPI into a fresh venv, then re-checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fixkit import clean_env, finding_ids, mismatch_project, report_of, run_cli

NETWORK_TROUBLE = ("Could not fetch", "NewConnectionError", "Temporary failure", "No route")


@pytest.mark.slow
def test_fix_maturin_not_installed_installs_it_and_the_recheck_turns_green(
    tmp_path: Path, staged_path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    assert not (venv / "bin" / "maturin").exists()
    root = mismatch_project(tmp_path / "p", "lib-name")
    env = clean_env(PATH=staged_path(without=("maturin",)), VIRTUAL_ENV=str(venv))
    home = tmp_path / "home"

    before = report_of(run_cli("check", "--json", env=env, cwd=root, home=home))
    assert "maturin-not-installed" in finding_ids(before)
    (finding,) = [f for f in before["findings"] if f["id"] == "maturin-not-installed"]
    argv = finding["fixes"][0]["argv"]
    assert argv[:4] == [str(venv / "bin" / "python"), "-m", "pip", "install"]

    refused = run_cli("fix", "maturin-not-installed", env=env, cwd=root, home=home)
    assert refused.returncode == 2 and not (venv / "bin" / "maturin").exists()

    proc = run_cli(
        "fix", "maturin-not-installed", "--yes", env=env, cwd=root, home=home, timeout=600
    )
    if proc.returncode != 0 and any(s in proc.stderr for s in NETWORK_TROUBLE):
        pytest.skip(f"PyPI is not reachable from here: {proc.stderr[-300:]}")
    assert proc.returncode == 0, proc.stderr
    assert "Successfully installed maturin" in proc.stderr  # pip's own output, streamed
    assert "re-checked: maturin-not-installed is fixed" in proc.stderr
    assert (venv / "bin" / "maturin").exists()

    after = report_of(run_cli("check", "--json", env=env, cwd=root, home=home))
    assert "maturin-not-installed" not in finding_ids(after)
    undo = run_cli("fix", "--undo", env=env, cwd=root, home=home)
    assert undo.returncode == 1 and "not undoable" in undo.stderr
