"""The real app in a real terminal (tmux): it starts, shows every probe, and `q` exits 0."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pyo3_doctor.probes import ALL

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def poll(check, timeout: float = 30.0, every: float = 0.2):
    """Poll an outside process (tmux) until check() returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    return check()


def test_app_starts_shows_every_probe_and_quits(project: Path, tmp_path: Path) -> None:
    socket = f"pyo3-doctor-test-{os.getpid()}"
    tmux = ["tmux", "-L", socket, "-f", os.devnull]
    rc_file = tmp_path / "rc"
    env = {
        "PYTHONPATH": str(REPO),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        # the pane's size as the app should see it, even if it starts before tmux sizes it
        "COLUMNS": "100",
        "LINES": "30",
    }
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = (
        f"cd {shlex.quote(str(project))} && env -u NO_COLOR {exports} "
        f"{shlex.quote(sys.executable)} -m pyo3_doctor --project . ; echo $? > {rc_file}"
    )
    subprocess.run([*tmux, "new-session", "-d", "-x", "100", "-y", "30", command], check=True)
    try:

        def screen() -> str:
            out = subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True, text=True)
            return out.stdout

        def settled() -> str:
            text = screen()
            done = "checking" not in text and all(p.TITLE in text for p in ALL)
            return text if done else ""

        text = poll(settled)
        for probe in ALL:
            assert probe.TITLE in text, f"{probe.TITLE!r} not on screen:\n{text}"
        assert "pyo3-doctor ·" in text and "Quit" in text
        subprocess.run([*tmux, "send-keys", "q"], check=True)
        assert poll(rc_file.exists), f"the app did not exit on q:\n{screen()}"
        assert rc_file.read_text().strip() == "0"
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
