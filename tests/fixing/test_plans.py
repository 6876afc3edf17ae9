"""What `fix` shows before anything runs: sudo for root-only commands, never a shell string."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from fixkit import clean_env, mismatch_project
from support import host_linker_var, recorder

from pyo3_doctor.context import Context, detect_platform
from pyo3_doctor.engine import check
from pyo3_doctor.fixing import steps as fixes
from pyo3_doctor.probes import BY_ID


@pytest.mark.parametrize("is_root", [False, True], ids=["user", "root"])
def test_root_only_command_shows_sudo_when_not_root(
    tmp_path: Path, staged_path, is_root: bool
) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    manager = detect_platform().package_manager
    if not manager:
        pytest.skip("no known package manager here: the linker fix is manual")
    tool = {"apt": "apt-get"}.get(manager, manager)
    calls = tmp_path / "calls"
    path = staged_path(extra={tool: recorder(calls), "sudo": recorder(calls)})
    env = clean_env(PATH=path, **{host_linker_var(): "cc-installed-nowhere"})
    ctx = Context.from_process(env=env, cwd=str(root), project_dir=str(root))
    ctx = dataclasses.replace(ctx, platform=dataclasses.replace(ctx.platform, is_root=is_root))
    (finding,) = [f for f in check(ctx, [BY_ID["linker"]]).findings if f.id == "linker-missing"]
    install = next(f for f in finding.fixes if f.argv)
    plan = fixes.plan(install, ctx)
    assert plan.kind == "argv" and plan.runnable
    assert plan.preview.startswith("sudo ") is not is_root, plan.preview
    assert plan.step.argv[0] != "{sudo}" and "{" not in plan.preview
