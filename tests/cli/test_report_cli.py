"""The CLI as a subprocess: the JSON contract, exit codes, one-line errors, import hygiene."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from support import (
    REPO,
    broken_knowledge_env,
    clean_env,
    default_sigint,
    finding_ids,
    probe,
    report_of,
    run_cli,
)

SCHEMA = json.loads((REPO / "doctor" / "schema" / "report.schema.json").read_text())


def valid(report: dict) -> dict:
    jsonschema.validate(report, SCHEMA)
    return report


def test_json_report_in_a_healthy_project(pyo3_project, staged_path, tmp_path):
    root = pyo3_project()
    # with the .venv maturin develop installs into: without one, develop is certain to fail
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    proc = run_cli("--json", cwd=root, env=clean_env(PATH=staged_path()), home=tmp_path)
    report = valid(report_of(proc))
    assert proc.stderr == ""
    assert [p["id"] for p in report["probes"]][:7] == [
        "project",
        "rust",
        "linker",
        "python",
        "python_dev",
        "maturin",
        "virtualenv",
    ]
    assert report["context"]["project"] == str(root)
    assert probe(report, "rust")["status"] == "ok"
    failing = [f["id"] for f in report["findings"] if f["severity"] == "fail"]
    assert failing == [] and proc.returncode == 0


def test_no_cc_is_linker_missing_and_exit_1(pyo3_project, staged_path, tmp_path):
    proc = run_cli(
        "--json",
        cwd=pyo3_project(),
        home=tmp_path,
        env=clean_env(PATH=staged_path(without=("cc",))),
    )
    report = valid(report_of(proc))
    assert "linker-missing" in finding_ids(report)
    assert report["status"] == "fail" and proc.returncode == 1


def test_no_rust_is_rust_not_installed_and_exit_1(pyo3_project, staged_path, tmp_path):
    proc = run_cli(
        "--json",
        cwd=pyo3_project(),
        home=tmp_path,
        env=clean_env(
            PATH=staged_path(without=("rustc", "cargo")), CARGO_HOME=str(tmp_path / "empty")
        ),
    )
    report = valid(report_of(proc))
    assert "rust-not-installed" in finding_ids(report)
    assert proc.returncode == 1


def test_a_hanging_tool_is_cut_at_the_timeout(pyo3_project, staged_path, tmp_path):
    hang = "#!/bin/sh\nsleep 60\n"
    started = time.monotonic()
    proc = run_cli(
        "--json",
        "--timeout",
        "2",
        cwd=pyo3_project(),
        home=tmp_path,
        # on a CI runner, where no virtualenv only warns: the timeout is the only other finding
        env=clean_env(PATH=staged_path(extra={"maturin": hang}), CI="true"),
    )
    assert time.monotonic() - started < 15
    report = valid(report_of(proc))
    assert probe(report, "maturin")["status"] == "timeout"
    assert "probe-timeout" in finding_ids(report)
    assert proc.returncode == 1  # a check that never finished cannot let CI pass


def test_strict_fails_on_warnings(pyo3_project, staged_path, tmp_path):
    env = clean_env(PATH=staged_path(), CI="true")
    proc = run_cli("--json", "--strict", cwd=pyo3_project(), home=tmp_path, env=env)
    report = valid(report_of(proc))
    assert report["status"] == "warn"  # no virtualenv in a fresh tmp project, on a CI runner
    assert proc.returncode == 1


def test_text_report_is_plain_off_a_terminal(pyo3_project, staged_path, tmp_path):
    proc = run_cli(
        "check", cwd=pyo3_project(), home=tmp_path, env=clean_env(PATH=staged_path(without=("cc",)))
    )
    assert proc.returncode == 1
    assert "\x1b[" not in proc.stdout
    assert "[✗] C linker" in proc.stdout
    assert "linker-missing" in proc.stdout
    assert "failing" in proc.stdout.splitlines()[-1]


def test_options_before_and_after_the_subcommand(pyo3_project, staged_path, tmp_path):
    env = clean_env(PATH=staged_path())
    before = run_cli("--json", "check", cwd=pyo3_project(), env=env, home=tmp_path)
    after = run_cli("check", "--json", cwd=tmp_path, env=env, home=tmp_path)
    assert json.loads(before.stdout)["kind"] == json.loads(after.stdout)["kind"] == "check"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--timeout", "soon"), "not a number of seconds"),
        (("--project", "/no/such/dir"), "no such directory"),
        (("knowledge", "no-such-id"), "no knowledge entry"),
        (("fix", "no-such-id", "--yes"), "no knowledge entry"),
        (("--frobnicate",), "unrecognized arguments"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args, message, tmp_path):
    proc = run_cli(*args, cwd=tmp_path, home=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_closed_stdin_is_not_a_terminal_and_not_a_log(tmp_path):
    # `pyo3-doctor <&-` (some CI runners and cron): Python sets sys.stdin to None
    def closed(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["sh", "-c", 'exec "$0" -m pyo3_doctor "$@" <&-', sys.executable, *args],
            env={**clean_env(), "PYTHONPATH": str(REPO), "HOME": str(tmp_path)},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    report = closed("--timeout", "5")
    assert report.returncode in (0, 1) and "Traceback" not in report.stderr
    assert "internal error" not in report.stderr
    log = closed("diagnose", "--no-probes")
    assert log.returncode == 2 and "standard input is closed" in log.stderr


def test_version():
    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("pyo3-doctor ")


def test_json_and_check_never_import_textual(pyo3_project, tmp_path):
    for args in (["--json"], ["check"]):
        code = (
            "import sys\nfrom pyo3_doctor.cli.main import main\nrc = main(" + repr(args) + ")\n"
            "sys.stderr.write('TEXTUAL' if any(m.startswith('textual') for m in sys.modules)"
            " else 'CLEAN')\n"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code],
            cwd=pyo3_project(name=args[0][2:] or "x"),
            env={**clean_env(), "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.stderr.endswith("CLEAN"), proc.stderr[-300:]


def test_importtime_shows_no_textual(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pyo3_doctor", "--json"],
        cwd=tmp_path,
        env={**clean_env(), "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "import time:" in proc.stderr
    assert "textual" not in proc.stderr


def test_ctrl_c_exits_130_without_traceback_and_kills_tools(pyo3_project, staged_path, tmp_path):
    marker = tmp_path / "survived"
    hang = f"#!/bin/sh\n(sleep 3; touch {marker}) &\nsleep 60\n"
    env = {**clean_env(PATH=staged_path(extra={"maturin": hang})), "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pyo3_doctor", "--json", "--timeout", "30"],
        cwd=pyo3_project(),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
        preexec_fn=default_sigint,
    )
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert "Traceback" not in err and "interrupted" in err
    assert out == ""
    time.sleep(3.5)
    assert not marker.exists()


def test_internal_error_is_one_line_and_a_crash_log(tmp_path):
    # A knowledge base that does not validate is our bug: exit 3, one line, a log file.
    env = broken_knowledge_env(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "pyo3_doctor", "knowledge"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 3
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "internal error" in lines[0], proc.stderr
    log = Path(lines[0].rsplit("details in ", 1)[1])
    assert "Traceback" in log.read_text()


@pytest.mark.parametrize("probes", [True, False])
def test_diagnose_json_follows_the_same_schema(tmp_path, pyo3_project, staged_path, probes):
    log = tmp_path / "build.log"
    log.write_text(
        "   Compiling pyo3-ffi v0.27.2\n"
        "error: linker `cc` not found\n"
        "  |\n"
        "  = note: No such file or directory (os error 2)\n"
        "error: could not compile `pyo3-ffi` (build script) due to 1 previous error\n"
    )
    args = ["diagnose", str(log), "--json"] + ([] if probes else ["--no-probes"])
    proc = run_cli(
        *args, cwd=pyo3_project(), home=tmp_path, env=clean_env(PATH=staged_path(without=("cc",)))
    )
    report = valid(report_of(proc))
    assert report["kind"] == "diagnose"
    assert finding_ids(report)[0] == "linker-missing"
    assert report["findings"][0]["source"] == "log:2"
    assert bool(report["probes"]) is probes
    assert proc.returncode == 1
