"""`pyo3-doctor report`: the Markdown an issue asks for, redacted, with the log's tail."""

from __future__ import annotations

import os

from support import run_cli


def test_the_bundle_has_the_versions_the_findings_and_the_log_redacted(pyo3_project, tmp_path):
    root = pyo3_project(name="report-demo", pymodule="other")
    log = tmp_path / "build.log"
    home = os.path.expanduser("~")
    log.write_text(f"ImportError: dynamic module does not define (PyInit_x) in {home}/x.so\n")
    ran = run_cli("report", str(log), cwd=root)
    assert ran.returncode == 0, ran.stderr
    text = ran.stdout
    for heading in ("## Environment", "## What pyo3-doctor found", "## The failing log"):
        assert heading in text
    assert "| PyO3 | 0.27" in text and "| rustc |" in text and "| maturin |" in text
    assert "`module-name-mismatch`" in text
    assert f"{home}/x.so" not in text and "~/x.so" in text


def test_report_refuses_other_formats(tmp_path):
    ran = run_cli("report", "--json", cwd=tmp_path)
    assert ran.returncode == 2 and "Markdown" in ran.stderr


def test_the_tail_of_a_big_log_is_its_end(pyo3_project, tmp_path):
    root = pyo3_project(name="report-big")
    log = tmp_path / "big.log"
    with log.open("w") as fh:
        for i in range(400_000):  # about 25 MB
            fh.write(f"   Compiling filler-crate-number-{i:06d} v0.1.0 (padding padding)\n")
        fh.write("error: linker `cc` not found\nTHE-REAL-LAST-LINE\n")
    ran = run_cli("report", str(log), cwd=root)
    assert ran.returncode == 0, ran.stderr
    assert "THE-REAL-LAST-LINE" in ran.stdout and "number-399999" in ran.stdout
