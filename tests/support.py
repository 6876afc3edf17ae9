"""Shared test support: staged real environments, small PyO3 projects, the CLI as a subprocess.

Imported by name (`from support import ...`); tests/conftest.py exposes the fixtures.

Faults are staged for real: a PATH made of symlinks to the real tools minus the one under
test, a real `python -m venv`, a real crate built by maturin into one shared target dir.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Variables that would make the machine's own setup leak into a staged environment.
SCRUB = (
    "VIRTUAL_ENV",
    "CONDA_PREFIX",
    "PYO3_PYTHON",
    "PYO3_CONFIG_FILE",
    "RUSTUP_TOOLCHAIN",
    "CARGO_BUILD_TARGET",
    "NO_COLOR",
    "FORCE_COLOR",
    "PYTHONPATH",
    # a CI runner's: there a missing virtualenv only warns (maturin develop is not the build)
    "CI",
    "TF_BUILD",
    "JENKINS_URL",
    "BUILDKITE",
    "TEAMCITY_VERSION",
)
# The tools a healthy PyO3 machine has; staged PATHs pick from these.
TOOLS = (
    "rustc",
    "cargo",
    "rustup",
    "cc",
    "gcc",
    "ld",
    "maturin",
    "python3",
    "python",
    "pip",
    "sh",
    "bash",
    "sleep",
    "touch",
    "printf",
    "echo",
    "env",
    "uname",
    "ls",
    "cat",
    "git",
    "ar",
    "as",
    "collect2",
)


def real_tool(name: str) -> str | None:
    """The real file behind a tool (pyenv shims resolved, so a staged PATH needs no pyenv)."""
    if name in ("python3", "python"):
        return sys.executable if name == "python3" else None
    if name in ("maturin", "pip"):
        found = Path(sys.executable).parent / name
        if found.exists():
            return str(found)
        base = Path(sys.base_prefix) / "bin" / name
        return str(base) if base.exists() else shutil.which(name)
    return shutil.which(name)


def clean_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUB}
    env.update(overrides)
    return env


@pytest.fixture
def staged_path(tmp_path: Path):
    """staged_path(without=("cc",), extra={"maturin": script}) -> a PATH string of symlinks."""

    def make(
        without: Iterable[str] = (), extra: Mapping[str, str] | None = None, name: str = "bin"
    ) -> str:
        folder = tmp_path / name
        folder.mkdir()
        for tool in TOOLS:
            if tool in without:
                continue
            real = real_tool(tool)
            if real:
                (folder / tool).symlink_to(real)
        for tool, script in (extra or {}).items():
            path = folder / tool
            if path.exists() or path.is_symlink():
                path.unlink()
            path.write_text(script)
            path.chmod(0o755)
        return str(folder)

    return make


def recorder(log: Path) -> str:
    """A stand-in for a tool a test must never really run (a package manager, sudo): a script
    that appends the command line it was given to `log` and succeeds. Staged on a PATH, it
    makes the tool present, as it is on the machines the test is about."""
    return f'#!/bin/sh\nprintf "%s\\n" "${{0##*/}} $*" >> "{log}"\n'


def host_linker_var() -> str:
    """The variable that names Cargo's linker for this machine's Rust target."""
    out = subprocess.run(["rustc", "-vV"], capture_output=True, text=True).stdout
    host = next(line.split()[1] for line in out.splitlines() if line.startswith("host:"))
    return "CARGO_TARGET_" + host.upper().replace("-", "_").replace(".", "_") + "_LINKER"


def write_project(root: Path, files: Mapping[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    return root


PYPROJECT = """
    [build-system]
    requires = ["maturin>=1.0,<2.0"]
    build-backend = "maturin"

    [project]
    name = "{name}"
    version = "0.1.0"
"""

CARGO = """
    [package]
    name = "{name}"
    version = "0.1.0"
    edition = "2021"

    [lib]
    name = "{lib}"
    crate-type = ["cdylib"]

    [dependencies]
    pyo3 = "{pyo3}"
"""

LIB_RS = """
    use pyo3::prelude::*;

    #[pyfunction]
    fn double(x: i64) -> i64 {{ x * 2 }}

    #[pymodule]
    fn {pymodule}(m: &Bound<'_, PyModule>) -> PyResult<()> {{
        m.add_function(wrap_pyfunction!(double, m)?)
    }}
"""


@pytest.fixture
def pyo3_project(tmp_path: Path):
    """pyo3_project(name="demo", lib=None, pymodule=None, pyo3="0.27") -> project root."""

    def make(
        name: str = "demo",
        lib: str | None = None,
        pymodule: str | None = None,
        pyo3: str = "0.27",
        extra: Mapping[str, str] | None = None,
    ) -> Path:
        lib = lib or name.replace("-", "_")
        root = tmp_path / name
        files = {
            "pyproject.toml": PYPROJECT.format(name=name),
            "Cargo.toml": CARGO.format(name=name, lib=lib, pyo3=pyo3),
            "src/lib.rs": LIB_RS.format(pymodule=pymodule or lib),
        }
        files.update(extra or {})
        return write_project(root, files)

    return make


@pytest.fixture(scope="session")
def cargo_target_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One target dir for every real build in a run, so PyO3 compiles once."""
    shared = os.environ.get("PYO3_DOCTOR_TEST_TARGET")
    return Path(shared) if shared else tmp_path_factory.mktemp("cargo-target")


def run_cli(
    *args: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | str | None = None,
    home: Path | None = None,
    stdin: str | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`python -m pyo3_doctor ARGS` in a fresh interpreter, with HOME/XDG isolated when asked."""
    run_env = dict(env if env is not None else clean_env())
    if home is not None:
        # rustup finds its toolchains through HOME unless told otherwise
        run_env.setdefault("RUSTUP_HOME", os.path.expanduser("~/.rustup"))
        run_env.setdefault("CARGO_HOME", os.path.expanduser("~/.cargo"))
        run_env.update(
            HOME=str(home),
            XDG_STATE_HOME=str(home / "state"),
            XDG_CACHE_HOME=str(home / "cache"),
            XDG_CONFIG_HOME=str(home / "config"),
        )
    run_env["PYTHONPATH"] = str(REPO)
    feed = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
    return subprocess.run(
        [sys.executable, "-m", "pyo3_doctor", *args],
        env=run_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        **feed,
    )


def fresh_python(code: str, *args: str, cwd: Path | None = None) -> str:
    """What `python -c CODE ARGS` prints in a fresh interpreter (nothing imported yet there);
    a failing run fails the test."""
    ran = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    return ran.stdout


def staged_package(tmp_path: Path) -> Path:
    """A copy of pyo3_doctor laid out as the wheel installs it (doctor/, probes/ and knowledge/
    as pyo3_doctor, .probes and .knowledge), in a folder to put first on PYTHONPATH: what a
    test changes there, the copy run by that interpreter sees."""
    site = tmp_path / "site"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "doctor", site / "pyo3_doctor", ignore=ignore)
    shutil.copytree(REPO / "probes", site / "pyo3_doctor" / "probes", ignore=ignore)
    shutil.copytree(REPO / "knowledge", site / "pyo3_doctor" / "knowledge", ignore=ignore)
    return site


def broken_knowledge_env(tmp_path: Path) -> dict[str, str]:
    """An environment whose knowledge base does not parse (a file with a broken table header):
    our own bug as far as pyo3-doctor can tell, so an internal error in every command."""
    site = staged_package(tmp_path)
    (site / "pyo3_doctor" / "knowledge" / "zz.toml").write_text('[bad-entry\ntitle = "x"\n')
    return {
        **clean_env(),
        "PYTHONPATH": str(site),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "HOME": str(tmp_path),
    }


def report_of(proc: subprocess.CompletedProcess[str]) -> dict:
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)


def finding_ids(report: dict) -> list[str]:
    return [f["id"] for f in report["findings"]]


def probe(report: dict, probe_id: str) -> dict:
    return next(p for p in report["probes"] if p["id"] == probe_id)


PYENV = Path.home() / ".pyenv" / "versions"


def pyenv_python(minor: str) -> str:
    """A real interpreter of another version (pyenv's), or skip where there is none."""
    found = sorted(PYENV.glob(f"{minor}.*/bin/python{minor}"))
    if not found:
        pytest.skip(f"no Python {minor} on this machine")
    return str(found[-1])


def default_sigint() -> None:
    """For a child that a test interrupts: Ctrl-C acts as in a terminal even when the suite
    itself was started in the background, where SIGINT is ignored and children inherit that."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
