"""The code style pyproject.toml [tool.ruff] sets, checked in CI as part of the tests."""

from __future__ import annotations

import subprocess
import sys

from support import REPO


def test_ruff_finds_nothing():
    # the lint and format rules of pyproject.toml [tool.ruff], over everything committed
    for args in (["check"], ["format", "--check"]):
        proc = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "doctor", "probes", "tests", "benches"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-1000:]
