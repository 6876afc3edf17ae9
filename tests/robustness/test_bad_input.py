"""Every row of the "Bad input" table (docs/bad-input.md): what happens, with which exit code."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import REPO, clean_env, default_sigint, finding_ids, probe, report_of, run_cli

# What a terminal would obey: C0 but tab/newline, DEL, C1, bidi and BOM.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[31m[bold red]boom[/bold red]\u202egnp.exe\x9b1m\x07"


def inert(text: str) -> None:
    assert not UNSAFE.search(text), repr(UNSAFE.search(text))


def diagnose(path: Path | str, *args: str, **kw) -> subprocess.CompletedProcess[str]:
    return run_cli("diagnose", "--no-probes", *args, str(path), **kw)


def project_finding(report: dict) -> dict:
    return next(f for f in report["findings"] if f["id"] == "project-file-invalid")


# -- project files -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pyproject.toml", "Cargo.toml"])
def test_malformed_project_file_is_a_finding_with_its_line(pyo3_project, tmp_path, name):
    root = pyo3_project()
    path = root / name
    path.write_text(path.read_text() + "\nbroken = \n")
    before = sorted(p.name for p in root.rglob("*"))
    proc = run_cli("--json", cwd=root, home=tmp_path)
    report = report_of(proc)
    found = project_finding(report)
    assert found["location"].startswith(f"{path}:") and found["location"].count(":") == 2
    assert proc.returncode == 1
    assert sorted(p.name for p in root.rglob("*")) == before  # nothing written


def test_non_utf8_project_file_names_the_byte(pyo3_project, tmp_path):
    root = pyo3_project()
    (root / "pyproject.toml").write_bytes(b'[project]\nname = "d\xffmo"\n')
    report = report_of(run_cli("--json", cwd=root, home=tmp_path))
    found = project_finding(report)
    assert found["location"] == f"{root / 'pyproject.toml'}:2:10"
    assert "UTF-8" in found["why"]


def test_enormous_project_file_is_refused_quickly(pyo3_project, tmp_path):
    root = pyo3_project()
    with open(root / "pyproject.toml", "a") as fh:
        fh.write("#" * (20 * 1024 * 1024) + "\n")
    started = time.monotonic()
    proc = run_cli("--json", cwd=root, home=tmp_path)
    assert time.monotonic() - started < 20
    found = project_finding(report_of(proc))
    assert "1 MiB" in found["why"] and found["location"] == str(root / "pyproject.toml")


def test_pyproject_that_is_a_symlink_loop_is_reported(pyo3_project, tmp_path):
    root = pyo3_project()
    (root / "pyproject.toml").unlink()
    (root / "pyproject.toml").symlink_to("pyproject.toml")
    report = report_of(run_cli("--json", cwd=root, home=tmp_path))
    found = project_finding(report)
    assert "symbolic links" in found["why"] and found["location"] == str(root / "pyproject.toml")


def test_symlink_loops_in_the_sources_do_not_hang(pyo3_project, tmp_path):
    root = pyo3_project()
    src = root / "src"
    (src / "a").symlink_to("..")  # a directory loop a recursive scan could follow
    (src / "b.rs").symlink_to("b.rs")  # a file that is a loop
    (src / "lib.rs").write_text(
        (src / "lib.rs").read_text() + "mod a;\nmod b;\n#[test]\nfn t() {}\n"
    )
    proc = run_cli("--json", cwd=root, home=tmp_path, timeout=60)
    report = report_of(proc)
    assert probe(report, "module_name")["status"] == "ok"
    assert all(p["status"] != "crash" for p in report["probes"])
    (src / "lib.rs").unlink()
    (src / "lib.rs").symlink_to("lib.rs")  # the lib root itself is a loop
    report = report_of(run_cli("--json", cwd=root, home=tmp_path, timeout=60))
    assert probe(report, "module_name")["status"] == "skip"


# -- logs for diagnose -----------------------------------------------------------------


def test_missing_log_is_exit_2(tmp_path):
    proc = diagnose(tmp_path / "nope.log", cwd=tmp_path, home=tmp_path)
    assert proc.returncode == 2 and "No such file" in proc.stderr
    assert len(proc.stderr.splitlines()) == 1 and proc.stdout == ""


def test_directory_as_log_is_exit_2(tmp_path):
    proc = diagnose(tmp_path, cwd=tmp_path, home=tmp_path)
    assert proc.returncode == 2 and "Is a directory" in proc.stderr


@pytest.mark.skipif(os.name != "posix", reason="named pipes")
def test_fifo_without_writer_is_refused_at_the_timeout(tmp_path):
    fifo = tmp_path / "log.fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    proc = diagnose(fifo, "--timeout", "1", cwd=tmp_path, home=tmp_path, timeout=30)
    assert time.monotonic() - started < 15
    assert proc.returncode == 2 and "nothing wrote" in proc.stderr


@pytest.mark.skipif(os.name != "posix", reason="named pipes")
def test_fifo_with_a_slow_writer_is_read(tmp_path):
    fifo = tmp_path / "log.fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen(
        ["sh", "-c", f"sleep 0.5; printf 'error: linker `cc` not found\\n' > '{fifo}'"]
    )
    proc = diagnose(fifo, "--json", cwd=tmp_path, home=tmp_path, timeout=30)
    writer.wait(10)
    assert finding_ids(json.loads(proc.stdout)) == ["linker-missing"]


def test_unreadable_log_is_exit_2(tmp_path):
    log = tmp_path / "secret.log"
    log.write_text("error: linker `cc` not found\n")
    log.chmod(0)
    try:
        if os.access(log, os.R_OK):
            pytest.skip("running as root: permissions do not stop reading")
        proc = diagnose(log, cwd=tmp_path, home=tmp_path)
        assert proc.returncode == 2 and "Permission denied" in proc.stderr
    finally:
        log.chmod(0o644)


def test_binary_log_is_exit_2(tmp_path):
    log = tmp_path / "core"
    log.write_bytes(bytes(range(256)) * 64)
    proc = diagnose(log, cwd=tmp_path, home=tmp_path)
    assert proc.returncode == 2 and "binary" in proc.stderr and "Traceback" not in proc.stderr


def test_large_log_that_is_not_text_is_refused_like_a_small_one(tmp_path):
    # big enough for the grep-assisted scan, and no NUL byte: only the decoding gives it away
    log = tmp_path / "latin1.log"
    log.write_bytes(bytes(range(0x80, 0x100)) * (5 * 1024 * 1024 // 128) + b"\nerror: x\n")
    proc = diagnose(log, cwd=tmp_path, home=tmp_path)
    assert proc.returncode == 2 and "text" in proc.stderr and "Traceback" not in proc.stderr


def test_empty_log_is_no_known_cause(tmp_path):
    log = tmp_path / "empty.log"
    log.write_bytes(b"")
    proc = diagnose(log, cwd=tmp_path, home=tmp_path)
    assert proc.returncode == 0 and "No known cause" in proc.stdout


def test_30_mb_single_line_does_not_stall(tmp_path):
    log = tmp_path / "one-line.log"
    with open(log, "wb") as fh:
        fh.write(b"error: linker `cc` not found " + b"x" * (30 * 1024 * 1024) + b"\n")
        fh.write(b"error: could not find `Cargo.toml` in `/w` or any parent directory\n")
    started = time.monotonic()
    proc = diagnose(log, "--json", cwd=tmp_path, home=tmp_path)
    assert time.monotonic() - started < 20
    report = json.loads(proc.stdout)
    # the head of the long line is matched; the next line keeps its number
    assert "linker-missing" in finding_ids(report)
    sources = {f["id"]: f["source"] for f in report["findings"]}
    assert sources["linker-missing"] == "log:1"
    assert all(len(e) < 1000 for f in report["findings"] for e in f["evidence"])


def test_invalid_utf8_in_a_log_is_read_with_replacement(tmp_path):
    log = tmp_path / "latin1.log"
    log.write_bytes(b"caf\xe9 \xff\xfe error: linker `cc` not found\n")
    proc = diagnose(log, cwd=tmp_path, home=tmp_path)
    assert proc.returncode == 1 and "linker-missing" in proc.stdout
    assert "\ufffd" in proc.stdout


# -- hostile text in every renderer --------------------------------------------------


def test_escapes_in_a_log_are_inert_in_every_diagnose_format(tmp_path):
    log = tmp_path / "evil.log"
    log.write_text(f"{HOSTILE}\nerror: linker `cc` not found {HOSTILE}\n{HOSTILE}\n")
    for fmt in ("text", "json", "github"):
        proc = diagnose(log, "--format", fmt, cwd=tmp_path, home=tmp_path)
        assert proc.returncode == 1, proc.stderr
        inert(proc.stdout)
        if fmt == "text":
            assert "[bold red]boom[/bold red]" in proc.stdout  # markup shown, not applied


def test_escapes_in_project_paths_and_files_are_inert_in_check(pyo3_project, tmp_path):
    root = pyo3_project(name="demo")
    evil = root.parent / f"demo{HOSTILE.replace('/', '')}"
    root.rename(evil)
    (evil / "pyproject.toml").write_text(f'[project]\nname = "x"\nversion = \n# {HOSTILE}\n')
    for args in (["check"], ["check", "-v"], ["--json"], ["--format", "github"]):
        proc = run_cli(*args, cwd=evil, home=tmp_path)
        assert proc.returncode == 1, proc.stderr
        inert(proc.stdout)
        inert(proc.stderr)


def test_knowledge_and_fix_preview_are_inert(pyo3_project, tmp_path):
    for args in (["knowledge"], ["knowledge", "linker-missing"]):
        proc = run_cli(*args, cwd=tmp_path, home=tmp_path)
        assert proc.returncode == 0
        inert(proc.stdout)
    root = pyo3_project(name="demo", pymodule="other")
    cargo = root / "Cargo.toml"
    cargo.write_text(cargo.read_text().replace("[lib]", f"# {HOSTILE}\n[lib]"))
    proc = run_cli("fix", "module-name-mismatch", "--dry-run", cwd=root, home=tmp_path)
    assert "Traceback" not in proc.stderr
    inert(proc.stdout)
    inert(proc.stderr)


# -- tools that misbehave ------------------------------------------------------------
# A tool that hangs is cut with its process group at the deadline:
# tests/cli/test_report_cli.py::test_a_hanging_tool_is_cut_at_the_timeout, and Ctrl-C kills
# what was started: ::test_ctrl_c_exits_130_without_traceback_and_kills_tools.

MISBEHAVING = {
    "killed by a signal": "#!/bin/sh\nkill -SEGV $$\n",
    "exit 255": "#!/bin/sh\necho 'maturin ???'\nexit 255\n",
    "10 MB of garbage": "#!/bin/sh\nhead -c 10000000 /dev/urandom\n",
    "escapes": f"#!/bin/sh\nprintf 'maturin 1.5.0 {HOSTILE.replace('%', '%%')}\\n'\n",
}


@pytest.mark.parametrize("kind", sorted(MISBEHAVING))
def test_a_tool_that_misbehaves_is_reported_not_fatal(pyo3_project, staged_path, tmp_path, kind):
    env = clean_env(PATH=staged_path(extra={"maturin": MISBEHAVING[kind]}))
    proc = run_cli("--json", "-v", cwd=pyo3_project(), env=env, home=tmp_path, timeout=60)
    report = report_of(proc)
    assert proc.returncode in (0, 1)
    assert probe(report, "maturin")["status"] in ("fail", "warn", "ok")
    assert len(proc.stdout) < 2_000_000  # tool output is capped
    text = run_cli("check", "-v", cwd=pyo3_project(name=f"t{len(kind)}"), env=env, home=tmp_path)
    assert text.returncode in (0, 1) and "Traceback" not in text.stderr
    inert(text.stdout)


# -- Ctrl-C ---------------------------------------------------------------------------


def test_ctrl_c_mid_write_leaves_the_old_file(tmp_path, monkeypatch):
    from pyo3_doctor.fixing import safewrite

    target = tmp_path / "pyproject.toml"
    target.write_text("old = 1\n")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        safewrite.write_atomic(target, b"new = 2\n" * 1000)
    assert target.read_text() == "old = 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pyproject.toml"]  # no temp file left


def test_ctrl_c_during_diagnose_is_exit_130(tmp_path):
    fifo = tmp_path / "log.fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"exec 3>'{fifo}'; echo started >&3; sleep 30"])
    env = {**clean_env(), "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pyo3_doctor", "diagnose", "--no-probes", str(fifo)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )
    try:
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        writer.kill()
        writer.wait()
    assert proc.returncode == 130
    assert err.strip() == "pyo3-doctor: interrupted" and out == ""
