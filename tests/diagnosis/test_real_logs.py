"""Logs the real tools print for real broken crates, read back by `diagnose` with its probes.

Each case stages the fault in a crate made like `maturin new -b pyo3` makes one, runs the
tool a user would run, and hands the whole output to `pyo3-doctor diagnose` in that project:
the root cause must be the one the fault is, and no placeholder may reach the reader.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import clean_env, run_cli

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("maturin") and shutil.which("cargo")), reason="needs maturin and cargo"
    ),
]

PLACEHOLDER = re.compile(r"\{[a-z_]+\}|fill in")


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path


def diagnosed(root: Path, log: str, venv: Path | None = None) -> tuple[dict, str]:
    """The JSON report and the text report of `diagnose` on `log`, run in the project."""
    env = clean_env(VIRTUAL_ENV=str(venv)) if venv else clean_env()
    as_json = run_cli("diagnose", "--json", "-", cwd=root, env=env, stdin=log)
    as_text = run_cli("diagnose", "-", cwd=root, env=env, stdin=log)
    assert as_json.returncode in (0, 1), as_json.stderr[-2000:]
    return json.loads(as_json.stdout), as_text.stdout


def no_placeholder(doc: dict, text: str) -> None:
    shown = json.dumps(doc["findings"], ensure_ascii=False)
    assert not PLACEHOLDER.search(shown), PLACEHOLDER.search(shown)
    assert not PLACEHOLDER.search(text), PLACEHOLDER.search(text)


def test_a_mismatched_pymodule_name(pyo3_project, venv, cargo_target_dir):
    root = pyo3_project(name="mismatch-log", lib="mismatch_log", pymodule="other_name")
    env = clean_env(VIRTUAL_ENV=str(venv), CARGO_TARGET_DIR=str(cargo_target_dir))
    built = subprocess.run(
        ["maturin", "develop"], cwd=root, env=env, capture_output=True, text=True, timeout=600
    )
    assert built.returncode == 0, built.stderr[-2000:]
    imported = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import mismatch_log"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert imported.returncode != 0
    log = built.stdout + built.stderr + imported.stderr
    doc, text = diagnosed(root, log, venv)
    assert [f["id"] for f in doc["findings"]][:1] == ["module-name-mismatch"], text
    # the import error proves the warning right: it is no false alarm here
    assert "maturin-spurious-warning" not in [f["id"] for f in doc["findings"]]
    no_placeholder(doc, text)


def test_a_maturin_requirement_no_release_meets(pyo3_project, tmp_path):
    root = pyo3_project(name="needs-future-maturin")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("maturin>=1.0,<2.0", "maturin>=99"))
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-cache-dir",
            "-w",
            str(tmp_path),
            ".",
        ],
        cwd=root,
        env=clean_env(PIP_DISABLE_PIP_VERSION_CHECK="1"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode != 0
    log = built.stdout + built.stderr
    if "No matching distribution found for maturin" not in log:
        pytest.skip(f"pip could not ask PyPI: {log[-300:]}")
    doc, text = diagnosed(root, log)
    ids = [f["id"] for f in doc["findings"]]
    assert ids[:1] == ["maturin-version"], text
    assert "extension-module-missing" not in ids
    no_placeholder(doc, text)


def test_cargo_test_with_the_extension_module_feature(pyo3_project, cargo_target_dir):
    root = pyo3_project(
        name="ext-test",
        extra={
            "Cargo.toml": """
                [package]
                name = "ext-test"
                version = "0.1.0"
                edition = "2021"

                [lib]
                name = "ext_test"
                crate-type = ["cdylib", "rlib"]

                [dependencies]
                pyo3 = { version = "0.27", features = ["extension-module"] }
            """,
            "tests/it.rs": """
                use pyo3::prelude::*;

                #[test]
                fn calls_python() {
                    Python::initialize();
                    Python::attach(|py| assert!(py.version_info().major == 3));
                }
            """,
        },
    )
    env = clean_env(CARGO_TARGET_DIR=str(cargo_target_dir / "ext-test"), PYO3_PYTHON=sys.executable)
    ran = subprocess.run(
        ["cargo", "test", "--no-run"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert ran.returncode != 0, "the test binary linked although libpython was left out"
    doc, text = diagnosed(root, ran.stderr)
    assert [f["id"] for f in doc["findings"]][:1] == ["extension-module-cargo-test"], text
    no_placeholder(doc, text)


def test_a_malformed_cargo_toml(pyo3_project, venv):
    root = pyo3_project(name="bad-manifest")
    manifest = root / "Cargo.toml"
    manifest.write_text(manifest.read_text().replace('edition = "2021"', 'edition = 2021"'))
    env = clean_env(VIRTUAL_ENV=str(venv))
    ran = subprocess.run(
        ["maturin", "build"], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    assert ran.returncode != 0
    doc, text = diagnosed(root, ran.stdout + ran.stderr, venv)
    assert [f["id"] for f in doc["findings"]][:1] == ["project-file-invalid"], text
    no_placeholder(doc, text)
