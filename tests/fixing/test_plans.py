"""What `fix` shows before anything runs: sudo for root-only commands, never a shell string."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from fixkit import clean_env, mismatch_project

from pyo3_doctor.context import Context
from pyo3_doctor.engine import check
from pyo3_doctor.fixing import steps as fixes
from pyo3_doctor.probes import BY_ID


@pytest.mark.parametrize("is_root", [False, True], ids=["user", "root"])
def test_root_only_command_shows_sudo_when_not_root(
    tmp_path: Path, staged_path, is_root: bool
) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    env = clean_env(PATH=staged_path(without=("cc",)))
    ctx = Context.from_process(env=env, cwd=str(root), project_dir=str(root))
    if not ctx.platform.package_manager:
        pytest.skip("no known package manager here: the linker fix is manual")
    ctx = dataclasses.replace(ctx, platform=dataclasses.replace(ctx.platform, is_root=is_root))
    (finding,) = [f for f in check(ctx, [BY_ID["linker"]]).findings if f.id == "linker-missing"]
    install = next(f for f in finding.fixes if f.argv)  # the first may be a PATH line
    plan = fixes.plan(install, ctx)
    assert plan.kind == "argv" and plan.runnable
    assert plan.preview.startswith("sudo ") is not is_root, plan.preview
    assert plan.step.argv[0] != "{sudo}" and "{" not in plan.preview
