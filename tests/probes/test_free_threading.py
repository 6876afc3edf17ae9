"""The free-threading check on staged crates: what a project claims, declares and leans on.

A free-threaded interpreter is not on every machine; the runtime half (the import's GIL
warning) needs one as the target, and is skipped with the reason where none is installed.
"""

from __future__ import annotations

import shutil

import pytest
from helpers import ids, result, run

MODULE = "fn demo(_m: &Bound<'_, PyModule>) -> PyResult<()> { Ok(()) }\n"
WORKFLOW = {
    ".github/workflows/ci.yml": 'jobs:\n  b:\n    matrix:\n      python: ["3.13", "3.14t"]\n'
}


def test_no_free_threaded_build_claimed_is_said_not_judged(pyo3_project):
    report = run(pyo3_project(pyo3="0.25"), ("free_threading",))
    seen = result(report, "free_threading")
    assert ids(report) == [] and "no free-threaded build claimed" in seen.summary
    assert seen.facts["gil_used"] is True and seen.facts["gil_used_declared"] is False


def test_a_ci_matrix_with_314t_and_the_pre_028_default_offers_the_declaration(pyo3_project):
    root = pyo3_project(pyo3="0.25", extra=WORKFLOW)
    report = run(root, ("free_threading",))
    assert ids(report) == ["free-threaded-gil-reenabled"]
    facts = result(report, "free_threading").facts
    assert facts["free_threaded_targets"] == [".github/workflows/ci.yml:4"]
    assert facts["gil_patch_new"].strip() == "#[pymodule(gil_used = false)]"


def test_pyo3_028_defaults_to_no_gil_and_static_mut_is_named_with_its_line(pyo3_project):
    lib = "use pyo3::prelude::*;\nstatic mut N: u64 = 0;\n#[pymodule]\n" + MODULE
    root = pyo3_project(pyo3="0.28", extra={**WORKFLOW, "src/lib.rs": lib})
    report = run(root, ("free_threading",))
    assert ids(report) == ["free-threading-unsafe-code"]
    assert report.findings[0].location == "src/lib.rs:2"


def test_gil_protected_breaks_a_free_threaded_build_unless_cfg_keeps_it_out(pyo3_project):
    used = "use pyo3::prelude::*;\nuse pyo3::sync::GILProtected;\n#[pymodule(gil_used = true)]\n"
    used += MODULE
    root = pyo3_project(pyo3="0.25", extra={**WORKFLOW, "src/lib.rs": used})
    assert ids(run(root, ("free_threading",))) == ["free-threaded-api-unavailable"]
    kept = used.replace(
        "use pyo3::sync::GILProtected", "#[cfg(not(Py_GIL_DISABLED))]\nuse pyo3::sync::GILProtected"
    )
    root = pyo3_project(name="kept", pyo3="0.25", extra={**WORKFLOW, "src/lib.rs": kept})
    assert ids(run(root, ("free_threading",))) == []  # declared gil_used = true: deliberate


def test_the_import_check_under_a_free_threaded_interpreter():
    found = [p for p in ("python3.14t", "python3.13t") if shutil.which(p)]
    if not found:
        pytest.skip("no free-threaded CPython on this machine (none in pyenv, PATH or Debian 12)")
