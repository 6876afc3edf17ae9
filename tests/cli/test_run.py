"""`pyo3-doctor run -- CMD`: the command as usual, and a diagnosis when it fails."""

from __future__ import annotations

import json
import subprocess
import sys

from support import REPO, clean_env, run_cli

FAIL = (
    "import sys; print('building...'); "
    "sys.stderr.write('ImportError: dynamic module does not define module export function "
    "(PyInit_x)\\n'); sys.exit(3)"
)


def test_a_command_that_succeeds_passes_through_untouched(tmp_path):
    code = "import sys; sys.stdout.write('out\\n'); sys.stderr.write('err\\n')"
    ran = run_cli("run", "--", sys.executable, "-c", code, cwd=tmp_path)
    assert ran.returncode == 0
    assert ran.stdout == "out\n" and ran.stderr == "err\n"


def test_stdin_is_the_commands(tmp_path):
    code = "import sys; print(sys.stdin.read().upper())"
    ran = run_cli("run", "--", sys.executable, "-c", code, cwd=tmp_path, stdin="hello")
    assert ran.stdout == "HELLO\n"


def test_a_failing_command_keeps_its_exit_code_and_gets_a_diagnosis(tmp_path):
    ran = run_cli("run", "--", sys.executable, "-c", FAIL, cwd=tmp_path)
    assert ran.returncode == 3
    assert ran.stdout.startswith("building...\n")
    assert "module-name-mismatch" in ran.stdout and "exited 3" in ran.stdout
    assert "PyInit_x" in ran.stderr  # the command's own stderr, unchanged


def test_json_keeps_stdout_for_the_report(tmp_path):
    ran = run_cli("run", "--json", "--", sys.executable, "-c", FAIL, cwd=tmp_path)
    assert ran.returncode == 3
    doc = json.loads(ran.stdout)
    assert doc["findings"][0]["id"] == "module-name-mismatch"
    assert "building..." in ran.stderr


def test_a_missing_command_exits_as_a_shell_would_with_its_diagnosis(tmp_path, staged_path):
    # maturin not on PATH: the shell's "command not found" and 127, then the cause
    path = staged_path(without=("maturin",))
    ran = run_cli("run", "--", "maturin", "develop", cwd=tmp_path, env=clean_env(PATH=path))
    assert ran.returncode == 127
    assert "maturin: command not found" in ran.stderr
    assert "maturin-not-installed" in ran.stdout and "Traceback" not in ran.stderr
    ran = run_cli("run", "--", "no-such-command-here", cwd=tmp_path)
    assert ran.returncode == 127 and "no-such-command-here" in ran.stderr


def test_a_huge_output_streams_with_flat_memory(tmp_path):
    import resource

    code = "import sys\nfor i in range(400000): sys.stdout.write('x' * 120 + '\\n')\nsys.exit(1)"
    env = clean_env(PYTHONPATH=str(REPO))

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 31, 1 << 31))

    ran = subprocess.run(
        [sys.executable, "-m", "pyo3_doctor", "run", "--", sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
        preexec_fn=cap,
    )
    assert ran.returncode == 1, ran.stderr[-500:]
    assert ran.stdout.count(b"\n") >= 400000


def test_maturin_develop_of_a_mismatched_module_is_followed_by_the_cause(
    pyo3_project, tmp_path, cargo_target_dir
):
    import os
    import shutil

    import pytest

    if not (shutil.which("maturin") and shutil.which("cargo")):
        pytest.skip("needs maturin and cargo")
    root = pyo3_project(name="run-mm", pymodule="other")
    venv = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = clean_env(VIRTUAL_ENV=str(venv), CARGO_TARGET_DIR=str(cargo_target_dir))
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    ran = run_cli("run", "--", "maturin", "develop", cwd=root, env=env, timeout=900)
    assert ran.returncode == 0, ran.stderr[-2000:]  # maturin's own code: the build worked
    assert "Couldn't find the symbol `PyInit_run_mm`" in ran.stderr  # maturin's own output
    assert "module-name-mismatch" in ran.stdout and "names a problem" in ran.stdout


def test_machine_formats_keep_stdout_for_the_document(tmp_path):
    for fmt in ("sarif", "junit", "github"):
        ran = run_cli("run", "--format", fmt, "--", sys.executable, "-c", FAIL, cwd=tmp_path)
        assert ran.returncode == 3
        assert not ran.stdout.startswith("building") and "building..." in ran.stderr
        assert "--- pyo3-doctor:" not in ran.stdout  # no banner in a document
        if fmt == "sarif":
            assert json.loads(ran.stdout)["version"] == "2.1.0"
        if fmt == "junit":
            assert ran.stdout.startswith("<?xml")
