"""--format github, --redact, --version and crash handling, through the CLI."""

from __future__ import annotations

import getpass
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, broken_knowledge_env, clean_env, report_of, run_cli

from pyo3_doctor.model import Finding, Report, Severity
from pyo3_doctor.render.github import annotations, escape_data, escape_property
from pyo3_doctor.render.redact import Redactor


def test_github_annotations_for_a_broken_project(pyo3_project, tmp_path):
    root = pyo3_project()
    (root / "Cargo.toml").write_text("[package]\nname = 'x'\nversion = \n")
    # on a runner (CI set), where no virtualenv is no failure: maturin develop is not the build
    proc = run_cli("--format", "github", cwd=root, home=tmp_path, env=clean_env(CI="true"))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(
        "::error file=Cargo.toml,line=3,col=11,title=pyo3-doctor%3A project-file-invalid::"
    )
    assert all(line.startswith(("::error ", "::warning ")) for line in lines[:-1])
    assert lines[-1].startswith("pyo3-doctor: 1 failing")


def test_github_annotations_for_diagnose_point_at_the_log_line(tmp_path):
    log = tmp_path / "build.log"
    log.write_text("   Compiling demo\nerror: linker `cc` not found\n")
    proc = run_cli("diagnose", "--no-probes", "--format", "github", "build.log", cwd=tmp_path)
    assert proc.stdout.startswith(
        "::error file=build.log,line=2,title=pyo3-doctor%3A linker-missing::"
    )
    piped = run_cli("diagnose", "--no-probes", "--format", "github", stdin=log.read_text())
    assert piped.stdout.startswith("::error title=pyo3-doctor%3A linker-missing::")


def test_github_escaping_keeps_one_command_per_line():
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    evil = Finding(
        id="linker-missing",
        severity=Severity.WARN,
        title="t\n::set-env name=X::1\x1b[31m",
        why="",
        source="probe:x",
        location="/w/a,b:c.toml:3:4",
    )
    (line,) = annotations(Report({}, (), (evil,)), env={"GITHUB_WORKSPACE": "/w"})
    assert line.startswith("::warning file=a%2Cb%3Ac.toml,line=3,col=4,")
    assert "\n" not in line and "\x1b" not in line and "%0A::set-env" in line


def test_redact_removes_home_user_and_host(pyo3_project, staged_path, tmp_path):
    user = "zqxredactuser"
    home = tmp_path / f"home-{user}"
    root = pyo3_project()
    moved = home / "src" / "demo"
    moved.parent.mkdir(parents=True)
    root.rename(moved)
    env = clean_env(PATH=staged_path(), USER=user, LOGNAME=user)
    host = socket.gethostname()
    for args in (["--json"], ["check", "-v"], ["--format", "github"]):
        plain = run_cli(*args, cwd=moved, env=env, home=home)
        assert str(home) in plain.stdout
        proc = run_cli(*args, "--redact", cwd=moved, env=env, home=home)
        assert str(home) not in proc.stdout and str(home) not in proc.stderr
        assert user not in proc.stdout
        assert "~/src/demo" in proc.stdout
        if host.lower() not in ("localhost", ""):
            assert not re.search(
                rf"(?<![A-Za-z0-9_]){re.escape(host)}(?![A-Za-z0-9_])", proc.stdout
            )
    report = report_of(run_cli("--json", "--redact", cwd=moved, env=env, home=home))
    assert report["context"]["project"] == "~/src/demo"


def test_redact_in_diagnose(tmp_path):
    me = getpass.getuser()
    log = tmp_path / "build.log"
    log.write_text(f"error: linker `cc` not found in {tmp_path}/x for zqxuser2\n")
    env = clean_env(USER="zqxuser2", LOGNAME="zqxuser2")
    proc = run_cli("diagnose", "--no-probes", "--redact", str(log), env=env, home=tmp_path)
    assert str(tmp_path) not in proc.stdout and "zqxuser2" not in proc.stdout
    assert "~/x for <user>" in proc.stdout
    assert me != "zqxuser2"  # the name came from the child's environment, as getuser() reads it


def test_redactor_leaves_longer_names_alone():
    redact = Redactor(["/home/al"], ["al"], ["box"])
    assert redact("/home/al/x /home/alice al_x al box.local sandbox") == (
        "~/x /home/alice al_x <user> <host>.local sandbox"
    )


def test_version_names_tool_and_knowledge_base(tmp_path):
    proc = run_cli("--version")
    assert re.fullmatch(
        r"pyo3-doctor \d+\.\d+\.\d+\S* \(knowledge base \S+\+[0-9a-f]{8}\)\n", proc.stdout
    )
    report = report_of(run_cli("--json", cwd=tmp_path, home=tmp_path))
    assert report["knowledge_version"] in proc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["--json"],
        ["diagnose", "--no-probes", "-"],
        ["knowledge", "linker-missing"],
        ["fix", "linker-missing", "--dry-run"],
    ],
)
def test_a_crash_anywhere_is_one_line_and_a_log(tmp_path, args):
    proc = subprocess.run(
        [sys.executable, "-m", "pyo3_doctor", *args],
        cwd=tmp_path,
        env=broken_knowledge_env(tmp_path),
        input="error: linker `cc` not found\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 3, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "internal error" in lines[0], proc.stderr
    assert "Traceback" in Path(lines[0].rsplit("details in ", 1)[1]).read_text()


def test_a_crash_in_the_tui_entry_is_one_line(tmp_path, monkeypatch, capsys):
    import pyo3_doctor.cli.main as cli
    import pyo3_doctor.tui

    def boom(ctx):
        raise RuntimeError("paint failed")

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "_interactive", lambda args: True)
    monkeypatch.setattr(pyo3_doctor.tui, "run", boom)
    assert cli.main([]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "RuntimeError: paint failed" in err


def test_closed_pipe_exits_quietly(tmp_path):
    shell = f"{sys.executable} -m pyo3_doctor knowledge --json | head -c 10 >/dev/null"
    env = {**clean_env(), "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
    for command in (shell, shell.replace("knowledge --json", "--json")):
        proc = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.stderr == "", proc.stderr
        assert proc.returncode in (0, 1)
