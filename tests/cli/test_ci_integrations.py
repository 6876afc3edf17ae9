"""The GitHub Action (action.yml) and the pre-commit hook (.pre-commit-hooks.yaml), exercised
for real on a crate whose #[pymodule] name is wrong: the action's steps run as a runner runs
them (bash, its variables, $GITHUB_OUTPUT), the hook through `pre-commit try-repo`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, clean_env

pytestmark = pytest.mark.slow


def action_steps(text: str) -> list[tuple[str, dict[str, str]]]:
    """(run script, env) of each step of a composite action, as the runner reads them."""
    steps, script, env, mode = [], [], {}, ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("- name:") and script:
            steps.append(("\n".join(script), env))
            script, env, mode = [], {}, ""
        if stripped == "run: |":
            mode = "run"
            continue
        if stripped == "env:":
            mode = "env"
            continue
        if mode == "run" and line.startswith(" " * 8):
            script.append(line[8:])
        elif mode == "env" and ":" in stripped:
            key, _, value = stripped.partition(":")
            env[key] = value.strip()
        elif stripped and not line.startswith(" " * 8):
            mode = ""
    if script:
        steps.append(("\n".join(script), env))
    return steps


def with_inputs(value: str, inputs: dict[str, str]) -> str:
    return re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: inputs[m.group(1)], value)


def test_the_action_annotates_a_broken_crate_and_passes_the_exit_code_on(pyo3_project, tmp_path):
    root = pyo3_project(name="action-demo", pymodule="other")
    text = (REPO / "action.yml").read_text()
    inputs = {"args": "check --no-exec", "format": "github", "output": "", "python": sys.executable}
    output = tmp_path / "github_output"
    runner = {
        "GITHUB_ACTION_PATH": str(REPO),
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(output),
    }
    ran = None
    for script, env in action_steps(text):
        step_env = clean_env(**runner, **{k: with_inputs(v, inputs) for k, v in env.items()})
        ran = subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=root,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if "Install" in script or "pip install" in script:
            assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran is not None and ran.returncode == 1, ran.stderr[-2000:]
    assert "::error file=src/lib.rs" in ran.stdout and "module-name-mismatch" in ran.stdout
    assert "exit-code=1" in output.read_text()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_pre_commit_hook_fails_a_broken_crate(pyo3_project, tmp_path):
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True)
    if head.returncode != 0:
        pytest.skip("the repository has no commit for pre-commit to try")
    root = pyo3_project(name="hook-demo", pymodule="other")
    env = clean_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit"), HOME=str(tmp_path))
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t")
    env["GIT_COMMITTER_EMAIL"] = "t@t"
    for argv in (["git", "init", "-q"], ["git", "add", "-A"]):
        subprocess.run(argv, cwd=root, env=env, check=True)
    ran = subprocess.run(
        [str(pre_commit), "try-repo", str(REPO), "pyo3-doctor", "--all-files"],
        cwd=root,
        env={**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ran.returncode == 1, ran.stdout[-3000:] + ran.stderr[-2000:]
    assert "module-name-mismatch" in ran.stdout
