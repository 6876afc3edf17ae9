"""Fixtures for the TUI tests: a context on a throw-away project and a message recorder."""

from __future__ import annotations

import asyncio
import inspect
import os
from pathlib import Path

import pytest

from pyo3_doctor.context import Context

PYPROJECT = """\
# the demo project
[build-system]
requires = ["maturin>=1.0,<2.0"]
build-backend = "maturin"

[project]
name = "demo"  # keep this comment
version = "0.1.0"

[tool.maturin]
module-name = "wrong"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT)
    return root


@pytest.fixture
def ctx(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Context:
    # fix backups go under the state dir: keep them in the test's folder
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "VIRTUAL_ENV")}
    env["SHELL"] = "/bin/sh"
    return Context.from_process(timeout=5, env=env, cwd=str(project), project_dir=str(project))


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests in a fresh event loop (no async plugin needed for run_test)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
    return True
