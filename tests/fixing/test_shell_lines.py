"""The environment lines a fix prints, run in the shells they are printed for: a pasted line sets
what it says and runs nothing that a fact from a project or a machine smuggled in."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pyo3_doctor.fixing.shell import argv_line, env_line, unset_line

SHELLS = {
    "sh": ("sh", "-c", 'printf "%s\\n%s\\n" "$CARGO_HOME" "$PATH"'),
    "bash": ("bash", "-c", 'printf "%s\\n%s\\n" "$CARGO_HOME" "$PATH"'),
    "dash": ("dash", "-c", 'printf "%s\\n%s\\n" "$CARGO_HOME" "$PATH"'),
    "fish": ("fish", "-c", 'printf "%s\\n%s\\n" "$CARGO_HOME" (string join : $PATH)'),
    "pwsh": (
        "pwsh",
        "-NoProfile",
        "-Command",
        "Write-Output $env:CARGO_HOME; Write-Output $env:PATH",
    ),
}


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_a_pasted_line_sets_the_values_and_runs_nothing(shell: str, tmp_path: Path) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"no {shell} on this machine")
    canary = tmp_path / "ran"
    hostile = f"/x/$(touch {canary})/`touch {canary}`/it's"
    line = env_line({"CARGO_HOME": hostile, "PATH": "/opt/my bin:$PATH"}, shell)
    argv = SHELLS[shell]
    script = f"{line}; {argv[-1]}"
    ran = subprocess.run(
        [*argv[:-1], script],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert ran.returncode == 0, (line, ran.stderr)
    home, path = ran.stdout.splitlines()[:2]
    assert home == hostile, line
    assert path.startswith("/opt/my bin:") and path.endswith("/usr/bin:/bin"), (line, path)
    assert not canary.exists(), f"pasting {line!r} ran a command"


UNSET_CHECKS = {
    "sh": 'printf "%s\\n" "${CONDA_PREFIX-gone}"',
    "bash": 'printf "%s\\n" "${CONDA_PREFIX-gone}"',
    "dash": 'printf "%s\\n" "${CONDA_PREFIX-gone}"',
    "fish": "set -q CONDA_PREFIX; and echo $CONDA_PREFIX; or echo gone",
    "pwsh": "if (Test-Path Env:CONDA_PREFIX) { $env:CONDA_PREFIX } else { 'gone' }",
}


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_a_pasted_unset_line_removes_the_variable_and_runs_nothing(
    shell: str, tmp_path: Path
) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"no {shell} on this machine")
    canary = tmp_path / "ran"
    line = unset_line(["CONDA_PREFIX", f"X$(touch {canary})"], shell)
    argv = SHELLS[shell]
    ran = subprocess.run(
        [*argv[:-1], f"{line}; {UNSET_CHECKS[shell]}"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "CONDA_PREFIX": "/opt/conda"},
    )
    assert ran.stdout.strip().splitlines()[-1:] == ["gone"], (line, ran.stdout, ran.stderr)
    assert not canary.exists(), f"pasting {line!r} ran a command"


ARGV_ECHO = {
    "sh": ("sh", "-c"),
    "bash": ("bash", "-c"),
    "dash": ("dash", "-c"),
    "fish": ("fish", "-c"),
}


@pytest.mark.parametrize("shell", sorted(ARGV_ECHO))
def test_a_pasted_command_line_passes_each_word_as_it_is(shell: str, tmp_path: Path) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"no {shell} on this machine")
    canary = tmp_path / "ran"
    words = ["it's", "C:\\dir\\", "a\\\\b", f"$(touch {canary})", "*", "two words", "~", "-x"]
    line = argv_line(["printf", "%s\\n", *words], shell)
    ran = subprocess.run(
        [*ARGV_ECHO[shell], line],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert ran.returncode == 0, (line, ran.stderr)
    assert ran.stdout.splitlines() == words, line
    assert not canary.exists(), f"pasting {line!r} ran a command"
