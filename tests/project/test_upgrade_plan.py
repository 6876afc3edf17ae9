"""`pyo3-doctor upgrade` on a real crate written for PyO3 0.25: the plan names each use with
file:line, its automatic edits apply (with a backup each), and `cargo check` then passes on the
release the plan moved to."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from support import clean_env, run_cli

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("cargo") is None, reason="needs cargo"),
]

OLD_API = """
    use pyo3::prelude::*;
    use pyo3::sync::GILOnceCell;
    use pyo3::types::PyList;

    static CACHE: GILOnceCell<Py<PyList>> = GILOnceCell::new();

    #[pyfunction]
    fn double(py: Python<'_>, x: i64) -> i64 {
        py.allow_threads(|| x * 2)
    }

    pub fn one() -> i64 {
        Python::with_gil(|_py| 1)
    }

    #[pymodule]
    fn up(m: &Bound<'_, PyModule>) -> PyResult<()> {
        let _ = &CACHE;
        m.add_function(wrap_pyfunction!(double, m)?)
    }
"""


def test_a_plan_to_0_27_names_each_use_and_its_edits_compile(pyo3_project, tmp_path):
    root = pyo3_project(name="up", pyo3="0.25", extra={"src/lib.rs": OLD_API})
    planned = run_cli("upgrade", "--to", "0.27", "--json", cwd=root)
    assert planned.returncode == 0, planned.stderr
    doc = json.loads(planned.stdout)
    assert doc["from"].startswith("0.25") and doc["to"] == "0.27"
    where = {u["rule"]: u["location"] for u in doc["uses"]}
    assert where["with-gil-attach"] == "src/lib.rs:13"
    assert where["allow-threads-detach"] == "src/lib.rs:9"
    assert where["gil-once-cell"] in ("src/lib.rs:2", "src/lib.rs:5")
    assert all(u["automatic"] for u in doc["uses"])
    env = clean_env(XDG_STATE_HOME=str(tmp_path / "state"))
    applied = run_cli("upgrade", "--to", "0.27", "--apply", "--yes", cwd=root, env=env)
    assert applied.returncode == 0, applied.stderr
    assert 'pyo3 = "0.27"' in (root / "Cargo.toml").read_text()
    source = (root / "src" / "lib.rs").read_text()
    assert "Python::attach" in source and ".detach(" in source and "PyOnceLock" in source
    checked = subprocess.run(
        ["cargo", "check", "--quiet"],
        cwd=root,
        env=clean_env(CARGO_TARGET_DIR=str(tmp_path / "target")),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert checked.returncode == 0, checked.stderr[-3000:]
