"""`pyo3-doctor diagnose` as a user runs it, plus texts made by the real tools."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from support import clean_env, run_cli

LINKER_LOG = (
    "   Compiling demo v0.1.0\n"
    "error: linker `cc` not found\n"
    "  |\n"
    "  = note: No such file or directory (os error 2)\n"
    "error: could not compile `demo` due to 1 previous error\n"
)


def test_file_stdin_and_dash_agree(tmp_path):
    log = tmp_path / "build.log"
    log.write_text(LINKER_LOG)
    by_file = run_cli("diagnose", "--no-probes", "--json", str(log))
    by_dash = run_cli("diagnose", "--no-probes", "--json", "-", stdin=LINKER_LOG)
    by_stdin = run_cli("diagnose", "--no-probes", "--json", stdin=LINKER_LOG)
    docs = [json.loads(p.stdout) for p in (by_file, by_dash, by_stdin)]
    assert [p.returncode for p in (by_file, by_dash, by_stdin)] == [1, 1, 1]
    assert docs[0]["findings"] == docs[1]["findings"] == docs[2]["findings"]
    doc = docs[0]
    assert doc["kind"] == "diagnose" and doc["status"] == "fail" and doc["probes"] == []
    finding = doc["findings"][0]
    assert finding["id"] == "linker-missing" and finding["source"] == "log:2"
    assert any("error: linker `cc` not found" in e for e in finding["evidence"])


def test_text_output_and_no_known_cause():
    proc = run_cli("diagnose", "--no-probes", stdin=LINKER_LOG)
    assert proc.returncode == 1 and "linker-missing" in proc.stdout
    assert "log:2" in proc.stdout and "Traceback" not in proc.stderr
    plain = "Traceback (most recent call last):\nKeyError: 'x'\n"
    proc = run_cli("diagnose", "--no-probes", stdin=plain)
    assert proc.returncode == 0
    assert "No known cause" in proc.stdout and "KeyError: 'x'" in proc.stdout


def test_untrusted_log_text_is_neutralised():
    evil = "ValueError: embedded null byte \x1b]0;pwned\x07 [bold]x[/bold] \u202e\n"
    proc = run_cli("diagnose", "--no-probes", stdin=evil)
    assert "\x1b]" not in proc.stdout and "\u202e" not in proc.stdout
    assert "[bold]x[/bold]" in proc.stdout


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: str(p / "missing.log"), "No such file"),
        (lambda p: str(p), "directory"),
    ],
)
def test_unreadable_input_is_a_usage_error(tmp_path, make, message):
    proc = run_cli("diagnose", "--no-probes", make(tmp_path))
    assert proc.returncode == 2
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_binary_input_is_a_usage_error(tmp_path):
    blob = tmp_path / "a.out"
    blob.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(200))
    proc = run_cli("diagnose", str(blob))
    assert proc.returncode == 2 and "binary" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_probes_fill_fixes_and_weaken_what_this_machine_disproves(tmp_path):
    log = tmp_path / "build.log"
    log.write_text(LINKER_LOG)
    proc = run_cli("diagnose", "--json", str(log), cwd=tmp_path, home=tmp_path)
    doc = json.loads(proc.stdout)
    assert {p["id"] for p in doc["probes"]} >= {"linker", "rust", "python"}
    finding = doc["findings"][0]
    linker = next(p for p in doc["probes"] if p["id"] == "linker")
    if linker["status"] == "ok":
        assert any("not seen on this machine now" in e for e in finding["evidence"])
    python = next(p for p in doc["probes"] if p["id"] == "python")
    seg = tmp_path / "seg.log"
    seg.write_text("Segmentation fault (core dumped)\n")
    proc = run_cli("diagnose", "--json", str(seg), cwd=tmp_path, home=tmp_path)
    step = json.loads(proc.stdout)["findings"][0]["fixes"][0]
    assert step["argv"][0] == python["facts"]["python"]


def test_diagnose_never_imports_textual_and_json_never_imports_rich(tmp_path):
    code = (
        "import sys, io\n"
        "sys.argv = ['pyo3-doctor', 'diagnose', '--no-probes', '--json', '-']\n"
        "sys.stdin = io.TextIOWrapper(io.BytesIO(b'ValueError: embedded null byte\\n'))\n"
        "from pyo3_doctor.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    env = clean_env(PYTHONPATH=str(os.path.dirname(os.path.dirname(os.path.dirname(__file__)))))
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    modules = proc.stderr.split()
    assert "textual" not in modules and "rich" not in modules, proc.stderr[-500:]


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("cargo"), reason="needs cargo")
def test_real_cargo_build_without_cc(tmp_path, staged_path, cargo_target_dir):
    crate = tmp_path / "tiny"
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text(
        '[package]\nname = "tiny"\nversion = "0.1.0"\nedition = "2021"\n'
    )
    (crate / "src" / "main.rs").write_text("fn main() {}\n")
    path = staged_path(without=("cc", "gcc", "ld", "collect2"))
    env = clean_env(
        PATH=path,
        CARGO_TARGET_DIR=str(cargo_target_dir / "no-cc"),
        CARGO_TERM_COLOR="always",
    )
    build = subprocess.run(["cargo", "build"], cwd=crate, env=env, capture_output=True, timeout=120)
    assert build.returncode != 0
    log = tmp_path / "cargo.log"
    log.write_bytes(build.stderr)
    proc = run_cli("diagnose", "--no-probes", "--json", str(log))
    doc = json.loads(proc.stdout)
    assert doc["findings"][0]["id"] == "linker-missing", build.stderr.decode()[-2000:]
    assert proc.returncode == 1


@pytest.mark.slow
def test_real_maturin_develop_without_a_virtualenv(tmp_path, staged_path):
    maturin = shutil.which("maturin", path=staged_path(name="m"))
    if maturin is None:
        pytest.skip("needs maturin")
    project = tmp_path / "proj"
    project.mkdir()
    env = clean_env(PATH=str(tmp_path / "m"))
    run = subprocess.run(
        [maturin, "develop"], cwd=project, env=env, capture_output=True, timeout=120
    )
    assert run.returncode != 0
    proc = run_cli("diagnose", "--no-probes", "--json", "-", stdin=run.stderr.decode())
    doc = json.loads(proc.stdout)
    assert [f["id"] for f in doc["findings"]][:1] == ["virtualenv-missing"], run.stderr


def _real_import_error(name: str, tmp_path) -> str:
    """What a real interpreter prints for `import NAME` when nothing provides it."""
    proc = subprocess.run(
        [sys.executable, "-I", "-c", f"import {name}"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert "ModuleNotFoundError" in proc.stderr
    return proc.stderr


def _diagnosed(log: str, project, tmp_path) -> dict:
    path = tmp_path / "import.log"
    path.write_text(log)
    proc = run_cli("diagnose", "--json", str(path), cwd=project, home=tmp_path)
    return json.loads(proc.stdout)


def test_importing_the_package_name_of_a_module_named_otherwise(tmp_path, pyo3_project):
    """`pip install fast-demo` then `import fast_demo`, where the project builds `ftdemo`."""
    project = pyo3_project(name="fast-demo", lib="ftdemo")
    doc = _diagnosed(_real_import_error("fast_demo", tmp_path), project, tmp_path)
    finding = doc["findings"][0]
    assert finding["id"] == "import-name-differs"
    assert finding["fixes"][0]["summary"].endswith("import ftdemo")
    assert "fast_demo" in finding["fixes"][1]["summary"]
    assert not [f for f in finding["fixes"] if "{" in f["summary"] + f.get("text", "")]
    assert any("installed as fast-demo" in e for e in finding["evidence"])


@pytest.mark.parametrize(
    ("imported", "name", "lib"),
    [
        ("fast_demo", "fast-demo", "fast_demo"),  # the names agree: not this cause
        ("pandas", "fast-demo", "ftdemo"),  # another package altogether
    ],
)
def test_a_missing_module_that_is_not_the_project_s_name(
    imported, name, lib, tmp_path, pyo3_project
):
    project = pyo3_project(name=name, lib=lib)
    doc = _diagnosed(_real_import_error(imported, tmp_path), project, tmp_path)
    assert "import-name-differs" not in [f["id"] for f in doc["findings"]]


def test_a_missing_module_outside_any_project_names_no_cause(tmp_path):
    doc = _diagnosed(_real_import_error("fast_demo", tmp_path), tmp_path, tmp_path)
    assert doc["findings"] == []
