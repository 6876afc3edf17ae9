"""Real crates built by maturin: what maturin and Python say must agree with the static check.

All builds share the session's CARGO_TARGET_DIR and pyo3 "0.27", so PyO3 compiles once.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import clean_env

from pyo3_doctor.context import Context, detect_platform
from pyo3_doctor.diagnosis.diagnose import matcher, scan_log
from pyo3_doctor.machine.prefetch import prefetch
from pyo3_doctor.probes import artifact, module_name

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("maturin") and shutil.which("cargo")), reason="no maturin"
    ),
]

SYMBOL_WARNING = "Couldn't find the symbol `PyInit_"
IMPORT_ERROR = "dynamic module does not define module export function"


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path


def develop(root: Path, venv: Path, target: Path) -> subprocess.CompletedProcess[str]:
    env = clean_env(VIRTUAL_ENV=str(venv), CARGO_TARGET_DIR=str(target))
    return subprocess.run(
        ["maturin", "develop"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def check(root: Path, venv: Path, probe, prefetched: bool = False):
    """Run one probe; `prefetched` starts the tools first, as the CLI does."""
    env = clean_env(VIRTUAL_ENV=str(venv))
    ctx = Context(env=env, cwd=root, platform=detect_platform(), project_dir=root, timeout=30)
    if prefetched:
        prefetch(ctx)
    return probe.probe(ctx)


def build(pyo3_project, venv: Path, target: Path, **kw) -> tuple[Path, str]:
    root = pyo3_project(**kw)
    done = develop(root, venv, target)
    assert done.returncode == 0, done.stderr[-3000:]
    return root, done.stdout + done.stderr


def test_consistent_crate_builds_imports_and_passes(pyo3_project, venv, cargo_target_dir):
    root, output = build(pyo3_project, venv, cargo_target_dir, name="good-mod", lib="good_mod")
    assert SYMBOL_WARNING not in output
    assert check(root, venv, module_name).status.value == "ok"
    result = check(root, venv, artifact)
    assert result.status.value == "ok", result.summary
    assert result.facts["artifact_path"].endswith(".so") or sys.platform == "win32"


def test_lib_name_mismatch_maturin_warns_python_refuses_static_check_agrees(
    pyo3_project, venv, cargo_target_dir
):
    root, output = build(
        pyo3_project, venv, cargo_target_dir, name="libname", lib="libname", pymodule="other"
    )
    assert SYMBOL_WARNING + "libname`" in output
    static = check(root, venv, module_name)
    assert [d.id for d in static.detected] == ["module-name-mismatch"]
    assert static.detected[0].location == "src/lib.rs:7"
    built = check(root, venv, artifact)
    assert IMPORT_ERROR in built.facts["import_error"]
    assert "(PyInit_libname)" in built.facts["import_error"]
    # the interpreter's look-up finds the module, so the import is still tried for real
    assert check(root, venv, artifact, prefetched=True).facts == built.facts
    assert "exports PyInit_other" in built.summary
    # the real ImportError, pasted into diagnose, names the same cause
    scan = scan_log(matcher(), io.BytesIO(built.facts["import_error"].encode()))
    assert [h.entry.id for h in scan.hits][:1] == ["module-name-mismatch"]
    assert scan.hits[0].groups.get("module_name") in (None, "libname")


def test_a_module_never_built_is_looked_up_not_imported(pyo3_project, venv):
    root = pyo3_project(name="never-built", lib="never_built")
    for prefetched in (False, True):
        result = check(root, venv, artifact, prefetched)
        assert result.status.value == "skip"
        assert result.summary == "never_built is not built or installed yet"
        ran = result.evidence[0].argv[2]
        assert ran == ("<look up>" if prefetched else "<import>")


def test_declarative_module_mismatch(pyo3_project, venv, cargo_target_dir):
    decl = (
        "use pyo3::prelude::*;\n\n#[pymodule]\nmod elsewhere {\n    use super::*;\n\n"
        "    #[pyfunction]\n    fn triple(x: i64) -> i64 { x * 3 }\n}\n"
    )
    root, output = build(
        pyo3_project,
        venv,
        cargo_target_dir,
        name="decl",
        lib="decl",
        extra={"src/lib.rs": decl},
    )
    assert SYMBOL_WARNING + "decl`" in output
    static = check(root, venv, module_name)
    assert static.detected[0].details["pymodule_name"] == "elsewhere"
    assert static.detected[0].location == "src/lib.rs:4"
    assert IMPORT_ERROR in check(root, venv, artifact).facts["import_error"]


def test_wrong_calls_into_a_real_module_are_diagnosed(pyo3_project, venv, cargo_target_dir):
    """What PyO3 itself raises for a call that does not fit the signature, read back by diagnose."""
    build(pyo3_project, venv, cargo_target_dir, name="calls", lib="calls")
    python = str(venv / "bin" / "python")
    wrong_type = subprocess.run(
        [python, "-c", "import calls; calls.double('seven')"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "TypeError" in wrong_type.stderr
    scan = scan_log(matcher(), io.BytesIO(wrong_type.stderr.encode()))
    assert [h.entry.id for h in scan.hits][:1] == ["signature-mismatch"], wrong_type.stderr
    too_many = subprocess.run(
        [python, "-c", "import calls; calls.double(1, 2)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # PyO3 says "takes 1 positional arguments" (plural) where CPython would say "argument"
    scan = scan_log(matcher(), io.BytesIO(too_many.stderr.encode()))
    assert [h.entry.id for h in scan.hits][:1] == ["signature-mismatch"], too_many.stderr
