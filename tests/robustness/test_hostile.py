"""A repository or a terminal that is hostile: every read bounded, every output degrading, never a
traceback. Each case stages the thing for real (a FIFO, a link to /dev/zero, a full disk, an
ASCII terminal) and runs the CLI as a user would."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import REPO, clean_env

MEMORY = 1 << 30  # address space a run may take: the interpreter plus a bounded read or two


def doctor(*args: str, cwd: Path, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    run_env = dict(env or clean_env())
    run_env["PYTHONPATH"] = str(REPO)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY * 2, MEMORY * 2))

    return subprocess.run(
        [sys.executable, "-m", "pyo3_doctor", *args],
        cwd=cwd,
        env=run_env,
        capture_output=True,
        timeout=120,
        preexec_fn=cap,
        **kw,
    )


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_source_linked_to_dev_zero_and_a_fifo_are_not_read(pyo3_project):
    root = pyo3_project(name="hostile")
    (root / "src" / "zero.rs").symlink_to("/dev/zero")
    os.mkfifo(root / "src" / "fifo.rs")
    with (root / "src" / "lib.rs").open("a") as fh:
        fh.write("\nmod zero;\nmod fifo;\n")
    started = time.monotonic()
    ran = doctor("check", "--json", cwd=root)
    assert ran.returncode in (0, 1), ran.stderr[-2000:]
    assert time.monotonic() - started < 60
    json.loads(ran.stdout)


def test_a_pyproject_that_is_a_fifo_is_a_finding_not_a_hang(pyo3_project):
    root = pyo3_project(name="fifo-pyproject")
    (root / "pyproject.toml").unlink()
    os.mkfifo(root / "pyproject.toml")
    ran = doctor("check", "--json", cwd=root)
    doc = json.loads(ran.stdout)
    assert "project-file-invalid" in [f["id"] for f in doc["findings"]]


def test_toml_nested_thousands_deep_is_a_finding(tmp_path):
    (tmp_path / "pyproject.toml").write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    ran = doctor("check", "--json", cwd=tmp_path)
    assert ran.returncode == 1, ran.stderr
    ids = [f["id"] for f in json.loads(ran.stdout)["findings"]]
    assert ids == ["project-file-invalid"]


def test_infinity_in_a_project_file_stays_valid_json(pyo3_project):
    root = pyo3_project(name="inf-demo")
    with (root / "pyproject.toml").open("a") as fh:
        fh.write("\n[tool.maturin]\nfeatures = []\nweird = inf\n")
    ran = doctor("check", "--json", cwd=root)
    json.loads(ran.stdout.decode(), parse_constant=lambda c: pytest.fail(f"{c} in JSON"))


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_ascii_or_latin1_terminal_gets_the_report_not_a_crash(pyo3_project, encoding):
    root = pyo3_project(name="enc-demo")
    env = clean_env(PYTHONIOENCODING=encoding)
    text = doctor("check", cwd=root, env=env)
    assert text.returncode in (0, 1), text.stderr
    assert b"internal error" not in text.stderr
    assert text.stdout.decode(encoding).count("\n") > 5
    as_json = doctor("check", "--json", cwd=root, env=env)
    json.loads(as_json.stdout.decode(encoding))


def test_closed_stdout_and_stderr_and_a_full_disk(pyo3_project):
    root = pyo3_project(name="io-demo")
    script = (
        f"cd {root} && {sys.executable} -m pyo3_doctor check >&-; echo rc=$?; "
        f"{sys.executable} -m pyo3_doctor check 2>&- >/dev/null; echo rc=$?; "
    )
    if os.path.exists("/dev/full"):
        script += f"{sys.executable} -m pyo3_doctor check >/dev/full; echo rc=$?"
    env = clean_env(PYTHONPATH=str(REPO))
    ran = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True, timeout=180)
    codes = [line for line in ran.stdout.splitlines() if line.startswith("rc=")]
    assert codes[0] == "rc=2" and codes[1] in ("rc=0", "rc=1"), (codes, ran.stderr)
    if len(codes) > 2:
        assert codes[2] == "rc=2", ran.stderr
    assert "Traceback" not in ran.stderr and "internal error" not in ran.stderr, ran.stderr
    assert "standard output is closed" in ran.stderr


def test_a_tool_killed_at_its_deadline_is_a_timeout_not_absence(pyo3_project, staged_path):
    slow = "#!/bin/sh\nsleep 30\n"
    root = pyo3_project(name="slow-maturin")
    env = clean_env(PATH=staged_path(extra={"maturin": slow}))
    ran = doctor("check", "--json", "--timeout", "2", cwd=root, env=env)
    doc = json.loads(ran.stdout)
    maturin = next(p for p in doc["probes"] if p["id"] == "maturin")
    assert maturin["status"] == "timeout", maturin
    ids = [f["id"] for f in doc["findings"]]
    assert "probe-timeout" in ids and "maturin-not-installed" not in ids


def test_a_long_timeout_is_not_cut_to_a_hidden_default():
    from pyo3_doctor.system import proc

    proc.set_deadline(time.monotonic() + 60)
    try:
        assert proc._remaining(None) > 50
        assert proc._remaining(5.0) == 5.0
    finally:
        proc.set_deadline(None)


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_end_every_tool_and_exit_128_plus_n(pyo3_project, staged_path, signame):
    import signal

    marker = f"pyo3-doctor-test-{signame}-{os.getpid()}"
    if not os.path.exists("/bin/bash"):
        pytest.skip("needs bash to name the slow tool")
    slow = f"#!/bin/bash\nexec -a {marker} sleep 30\n"  # a maturin that never answers
    root = pyo3_project(name=f"sig-{signame.lower()}")
    env = clean_env(PATH=staged_path(extra={"maturin": slow}))
    env["PYTHONPATH"] = str(REPO)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pyo3_doctor", "check", "--timeout", "60"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(2.0)
    sent = time.monotonic()
    proc.send_signal(getattr(signal, signame))
    _out, err = proc.communicate(timeout=20)
    took = time.monotonic() - sent
    assert proc.returncode == 128 + getattr(signal, signame), err
    assert took < 2.0, took
    assert b"Traceback" not in err
    left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    assert left.stdout.strip() == "", "a tool outlived pyo3-doctor"


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_run_ends_a_command_that_ignores_the_signal_and_its_children(tmp_path, signame):
    import signal

    marker = f"pyo3-doctor-run-{signame}-{os.getpid()}"
    if not os.path.exists("/bin/bash"):
        pytest.skip("needs bash to name the command's child")
    # a build wrapper that shrugs off the signal, and a child that inherits the shrug
    script = f"trap '' TERM HUP INT; (exec -a {marker} sleep 30); echo never"
    env = clean_env(PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-m", "pyo3_doctor", "run", "--", "bash", "-c", script],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(2.0)
    sent = time.monotonic()
    proc.send_signal(getattr(signal, signame))
    out, err = proc.communicate(timeout=20)
    took = time.monotonic() - sent
    assert proc.returncode == 128 + getattr(signal, signame), err
    assert took < 2.0, took
    assert b"Traceback" not in err and b"never" not in out
    left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    assert left.stdout.strip() == "", "the command's child outlived pyo3-doctor"


def test_no_exec_runs_nothing_of_the_project(pyo3_project, tmp_path):
    canary = tmp_path / "ran"
    root = pyo3_project(
        name="untrusted",
        lib="_native",
        extra={
            "rust-toolchain.toml": '[toolchain]\nchannel = "nightly-2020-01-01"\n',
            "python/untrusted/__init__.py": f"open({str(canary)!r}, 'w').write('x')\n",
            "python/untrusted/_native.cpython-311-x86_64-linux-gnu.so": "",
        },
    )
    with (root / "pyproject.toml").open("a") as fh:
        fh.write('\n[tool.maturin]\npython-source = "python"\nmodule-name = "untrusted._native"\n')
    ran = doctor("check", "--json", "--no-exec", cwd=root)
    doc = json.loads(ran.stdout)
    assert not canary.exists(), "--no-exec imported the project's package"
    rust = next(p for p in doc["probes"] if p["id"] == "rust")
    # the pin is reported as what a build here would get, and rustup installed nothing
    rustup_home = Path(os.environ.get("RUSTUP_HOME", Path.home() / ".rustup"))
    assert not list((rustup_home / "toolchains").glob("nightly-2020-01-01*"))
    if rust["status"] != "ok":
        assert "nightly-2020-01-01" in rust["summary"], rust["summary"]
    artifact = next(p for p in doc["probes"] if p["id"] == "artifact")
    assert artifact["status"] == "skip" and "--no-exec" in artifact["summary"]


def _canary_script(path: Path, canary: Path, then: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho ran >> {canary}\n{then}\n")
    path.chmod(0o755)


def test_no_exec_and_diagnose_run_no_venv_or_linker_the_checkout_brings(pyo3_project, tmp_path):
    # a committed .venv (maturin would take it) and a cargo config naming a linker script
    canary = tmp_path / "ran"
    root = pyo3_project(name="brings", extra={".venv/pyvenv.cfg": "home = /usr/bin\n"})
    _canary_script(root / ".venv" / "bin" / "python", canary, f'exec {sys.executable} "$@"')
    _canary_script(root / "ci" / "cc.sh", canary, 'echo "cc 1.0"')
    (root / ".cargo").mkdir()
    (root / ".cargo" / "config.toml").write_text(
        '[target.x86_64-unknown-linux-gnu]\nlinker = "ci/cc.sh"\n'
        '[target.aarch64-unknown-linux-gnu]\nlinker = "ci/cc.sh"\n'
    )
    env = {k: v for k, v in clean_env().items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX")}
    doctor("check", "--json", "--no-exec", cwd=root, env=env)
    log = tmp_path / "build.log"
    log.write_text("error: linker `cc` not found\n")
    doctor("diagnose", "--json", str(log), cwd=root, env=env)
    assert not canary.exists(), canary.read_text()


def test_a_rust_toolchain_link_is_not_followed_into_the_report(pyo3_project, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("ghp_NOT_FOR_REPORTS\n")
    root = pyo3_project(name="leak")
    (root / "rust-toolchain").symlink_to(secret)
    ran = doctor("check", "--json", "--no-exec", cwd=root)
    assert b"ghp_NOT_FOR_REPORTS" not in ran.stdout + ran.stderr


def test_a_python_m_fix_does_not_run_the_checkouts_own_module(pyo3_project, tmp_path):
    # `python -m venv` from the project would run its venv/__main__.py instead of Python's
    canary = tmp_path / "ran"
    root = pyo3_project(name="shadow")
    (root / "venv").mkdir()
    (root / "venv" / "__init__.py").write_text("")
    (root / "venv" / "__main__.py").write_text(f"open({str(canary)!r}, 'w').write('x')\n")
    env = {k: v for k, v in clean_env().items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX")}
    doctor("fix", "virtualenv-missing", "--yes", cwd=root, env=env)
    assert not canary.exists()
    assert (root / ".venv" / "pyvenv.cfg").is_file()


def test_a_warning_never_takes_in_a_failure(pyo3_project):
    # maturin-version "explains" project-file-invalid in a log; in a check it must not hide it
    root = pyo3_project(name="swallow")
    with (root / "Cargo.toml").open("a") as fh:
        fh.write("this is = = broken\n")
    text = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(
        text.replace('requires = ["maturin', 'requires = ["maturin>=1.0,<1.1", "x')
    )
    ran = doctor("check", "--json", cwd=root)
    doc = json.loads(ran.stdout)
    assert ran.returncode == 1
    assert "project-file-invalid" in [f["id"] for f in doc["findings"] if f["severity"] == "fail"]


def test_run_keeps_reading_and_the_exit_code_when_the_output_holds_nul(tmp_path):
    script = (
        "printf 'a\\0b\\n'; sleep 0.2; echo 'error: linker `cc` not found' >&2; echo end; exit 3"
    )
    ran = doctor("run", "--", "sh", "-c", script, cwd=tmp_path)
    assert ran.returncode == 3
    assert b"end" in ran.stdout and b"linker-missing" in ran.stdout


def test_dotted_keys_50000_deep_are_refused_at_once(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.x]\n" + "a." * 50000 + "b = 1\n")
    started = time.monotonic()
    ran = doctor("check", "--json", "--timeout", "3", cwd=tmp_path)
    assert time.monotonic() - started < 30
    found = [f for f in json.loads(ran.stdout)["findings"] if f["id"] == "project-file-invalid"]
    assert found and "deep" in found[0]["why"]


def _mismatched(pyo3_project, name: str) -> Path:
    root = pyo3_project(name=name)
    with (root / "pyproject.toml").open("a") as fh:
        fh.write('\n[tool.maturin]\nmodule-name = "wrong_name"\n')
    return root


def test_undo_in_another_project_restores_nothing(pyo3_project, tmp_path):
    a, b = _mismatched(pyo3_project, "proja"), _mismatched(pyo3_project, "projb")
    state = {"XDG_STATE_HOME": str(tmp_path / "state")}
    doctor(
        "fix", "module-name-mismatch", "--yes", "--project", str(a), cwd=a, env=clean_env(**state)
    )
    edited = (a / "pyproject.toml").read_bytes()
    ran = doctor("fix", "--undo", "--project", str(b), cwd=b, env=clean_env(**state))
    assert ran.returncode != 0 and b"not in" in ran.stdout + ran.stderr
    assert (a / "pyproject.toml").read_bytes() == edited
    ran = doctor("fix", "--undo", "--project", str(a), cwd=a, env=clean_env(**state))
    assert ran.returncode == 0 and b"wrong_name" in (a / "pyproject.toml").read_bytes()


def test_a_linked_pyproject_stays_a_link_and_nothing_outside_is_edited(pyo3_project, tmp_path):
    root = _mismatched(pyo3_project, "linked")
    real = root / "conf" / "real-pyproject.toml"
    real.parent.mkdir()
    (root / "pyproject.toml").rename(real)
    (root / "pyproject.toml").symlink_to("conf/real-pyproject.toml")
    mismatched = real.read_bytes()
    env = clean_env(XDG_STATE_HOME=str(tmp_path / "state"))
    doctor("fix", "module-name-mismatch", "--yes", cwd=root, env=env)
    assert (root / "pyproject.toml").is_symlink()
    # a link that leads out of the project is not written through
    outside = tmp_path / "outside.toml"
    outside.write_bytes(mismatched)  # the mismatch again, in a file outside the project
    (root / "pyproject.toml").unlink()
    (root / "pyproject.toml").symlink_to(outside)
    before = outside.read_bytes()
    doctor("fix", "module-name-mismatch", "--yes", cwd=root, env=env)
    assert outside.read_bytes() == before


def test_file_names_that_are_not_utf8_reach_no_output_raw(pyo3_project, tmp_path):
    root = pyo3_project(name="notutf8")
    (root / "tests").mkdir()
    (root / "tests" / os.fsdecode(b"bad\xff\xfe.rs")).write_text("use pyo3::prelude::*;\n")
    summary = tmp_path / "summary.md"
    env = clean_env(GITHUB_STEP_SUMMARY=str(summary))
    ran = doctor("check", "--format", "github", cwd=root, env=env)
    assert ran.returncode in (0, 1), ran.stderr[-2000:]
    log = tmp_path / os.fsdecode(b"build\xff.log")
    log.write_text("error: linker `cc` not found\n")
    ran = doctor("diagnose", "--no-probes", "--format", "sarif", str(log), cwd=tmp_path)
    assert ran.returncode == 1, ran.stderr[-2000:]
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(ran.stdout)["runs"][0]["results"]
    ]
    assert uris == ["build%FF.log"]


def test_a_deep_mod_nest_and_a_byte_order_mark_hide_no_mismatch(pyo3_project):
    # 400 inline modules (valid Rust) under the entry point, BOMs that cargo and rustc accept
    root = pyo3_project(name="deepmod")
    nest = "".join(f"mod m{i} {{\n" for i in range(400)) + "}\n" * 400
    lib = "use pyo3::prelude::*;\n#[pymodule]\nmod wrongname {}\n" + nest
    (root / "src" / "lib.rs").write_text("\ufeff" + lib, encoding="utf-8")
    for name in ("Cargo.toml", "pyproject.toml"):
        (root / name).write_bytes(b"\xef\xbb\xbf" + (root / name).read_bytes())
    doc = json.loads(doctor("check", "--json", "--no-exec", cwd=root).stdout)
    ids = {f["id"]: f["severity"] for f in doc["findings"]}
    assert ids.get("module-name-mismatch") == "fail", doc["findings"]
    assert "project-file-invalid" not in ids


@pytest.mark.parametrize("answer", ["{'version': '3'}", "{'version': '3.12.1'}", "[1, 2]"])
def test_a_fake_interpreters_short_answer_is_a_finding_not_a_crash(pyo3_project, tmp_path, answer):
    fake = tmp_path / "python3"
    fake.write_text(f'#!/bin/sh\necho "{answer}"\n')
    fake.chmod(0o755)
    root = pyo3_project(name="fakepy")
    ran = doctor("check", "--json", "--python", str(fake), cwd=root)
    doc = json.loads(ran.stdout)
    crashed = [p["id"] for p in doc["probes"] if p["status"] == "crash"]
    assert not crashed, crashed
    assert "interpreter-not-found" in [f["id"] for f in doc["findings"]]


@pytest.mark.parametrize("case", ["dumb", "stderr-redirected"])
def test_the_tui_does_not_open_where_it_cannot_be_seen(pyo3_project, tmp_path, case):
    import pty

    root = pyo3_project(name="plainterm")
    master, slave = pty.openpty()
    env = clean_env(TERM="dumb" if case == "dumb" else "xterm-256color", PYTHONPATH=str(REPO))
    err = (
        os.open(tmp_path / "err", os.O_WRONLY | os.O_CREAT)
        if case == "stderr-redirected"
        else slave
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "pyo3_doctor", "--no-exec"],
        cwd=root,
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=err,
    )
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=30)
    assert b"\x1b[?1049h" not in out  # no alternate screen: the plain report instead
    assert b" checks." in out or b"problems found" in out.lower(), out[-500:]
