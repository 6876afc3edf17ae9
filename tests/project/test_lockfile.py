"""The PyO3 version a project resolves to: Cargo.lock's while Cargo.toml's requirement admits
it, else the requirement's (a lock an edit left behind is re-resolved by the next build).
The lock is made by cargo itself, from the local registry cache (nothing is downloaded)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from packaging.version import Version
from support import clean_env

from pyo3_doctor.context import Context
from pyo3_doctor.project.cargo import admits
from pyo3_doctor.project.loader import load

# Cargo's own reading of requirements (the semver crate): a bare version is a caret one
RULES = [
    ("0.28", "0.28.3", True),
    ("0.28", "0.29.3", False),
    ("0.28", "0.27.9", False),
    ("^0.28", "0.28.0", True),
    ("=0.26.0", "0.26.1", False),
    ("=0.28", "0.28.4", True),
    (">=0.20, <0.23", "0.22.6", True),
    (">=0.20, <0.23", "0.23.0", False),
    ("~0.21", "0.21.9", True),
    ("~0.21", "0.22.0", False),
    ("0.28.*", "0.28.5", True),
    ("0.28.*", "0.29.0", False),
    ("*", "9.9.9", True),
    ("1", "1.9.0", True),
    ("1", "2.0.0", False),
    ("0.0.3", "0.0.4", False),
    ("0.0", "0.0.9", True),
    (">0.28", "0.28.9", False),
    (">0.28", "0.29.0", True),
    (">0.28.1", "0.28.1", False),
    ("<=0.28", "0.28.9", True),
    ("<=0.28", "0.29.0", False),
    ("0.22.0-alpha.1", "0.22.0", True),
    ("0.2x", "0.2.0", None),
    ("", "0.2.0", None),
]


@pytest.mark.parametrize(("requirement", "version", "verdict"), RULES)
def test_cargo_requirements_as_cargo_reads_them(requirement, version, verdict):
    assert admits(requirement, Version(version)) is verdict


def _locked(root: Path, requirement: str) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "src" / "lib.rs").write_text("")
    (root / "Cargo.toml").write_text(
        '[package]\nname = "lk"\nversion = "0.1.0"\nedition = "2021"\n\n'
        f'[lib]\ncrate-type = ["cdylib"]\n\n[dependencies]\npyo3 = "{requirement}"\n'
    )
    made = subprocess.run(
        ["cargo", "generate-lockfile", "--offline"], cwd=root, capture_output=True, text=True
    )
    if made.returncode != 0:
        pytest.skip(f"cargo cannot resolve pyo3 {requirement} offline here: {made.stderr[-300:]}")
    return root


@pytest.mark.skipif(shutil.which("cargo") is None, reason="needs cargo")
def test_a_lock_the_requirement_no_longer_admits_gives_way_to_the_requirement(tmp_path):
    root = _locked(tmp_path / "lk", "0.29")
    ctx = Context.from_process(env=clean_env(), cwd=str(root))
    before = load(ctx)
    assert before.pyo3_locked is not None and before.pyo3_locked.release[:2] == (0, 29)
    assert before.pyo3_version == before.pyo3_locked and not before.pyo3_lock_stale
    # what a fix moving to PyO3 0.28 writes; cargo has not run since
    cargo = root / "Cargo.toml"
    cargo.write_text(cargo.read_text().replace('pyo3 = "0.29"', 'pyo3 = "0.28"'))
    after = load(ctx.fresh())
    assert after.pyo3_lock_stale and after.pyo3_locked == before.pyo3_locked
    assert after.pyo3_version == Version("0.28")
