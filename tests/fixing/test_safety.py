"""Edits that must not happen: read-only, changed since the plan, malformed; and undo."""

from __future__ import annotations

import dataclasses
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixkit import REPO, context, edit, mismatch_project, patch, snapshot

from pyo3_doctor.fixing import safewrite
from pyo3_doctor.fixing import steps as fixes
from pyo3_doctor.model import FixStep

LIB_NAME = edit("Cargo.toml", "lib.name", '"demo"')


@pytest.fixture(autouse=True)
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state


def no_temp_files(root: Path) -> bool:
    return not [p for p in root.rglob(".*.tmp")]


def test_changed_between_plan_and_apply_is_refused(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    ctx = context(root)
    plan = fixes.plan(LIB_NAME, ctx)
    with (root / "Cargo.toml").open("a") as fh:  # someone saves the file meanwhile
        fh.write("# edited in the editor\n")
    theirs = (root / "Cargo.toml").read_bytes()
    outcome = fixes.apply(plan, ctx)
    assert not outcome.ok and "changed since the preview" in outcome.message
    assert (root / "Cargo.toml").read_bytes() == theirs


def test_patch_on_a_changed_source_is_refused(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    ctx = context(root)
    plan = fixes.plan(patch(10, "#[pymodule]", '#[pymodule(name = "wrong")]'), ctx)
    theirs = b"// moved\n" + (root / "src/lib.rs").read_bytes()
    (root / "src/lib.rs").write_bytes(theirs)
    outcome = fixes.apply(plan, ctx)
    assert not outcome.ok and "changed since the preview" in outcome.message
    assert (root / "src/lib.rs").read_bytes() == theirs
    with pytest.raises(fixes.FixError, match="no longer reads"):  # and a new plan sees it
        fixes.plan(patch(10, "#[pymodule]", '#[pymodule(name = "wrong")]'), ctx)


def test_no_edit_without_a_backup(tmp_path: Path, state_home: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    ctx = context(root)
    plan = fixes.plan(LIB_NAME, ctx)
    state_home.write_text("a file where the state dir should be")  # even root cannot mkdir
    before = (root / "Cargo.toml").read_bytes()
    outcome = fixes.apply(plan, ctx)
    assert not outcome.ok and "backup" in outcome.message
    assert (root / "Cargo.toml").read_bytes() == before
    assert no_temp_files(root)


def test_malformed_file_is_never_planned_or_written(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    broken = (root / "Cargo.toml").read_bytes() + b"\n[lib\nname = \n"
    (root / "Cargo.toml").write_bytes(broken)
    with pytest.raises(fixes.FixError, match="does not parse"):
        fixes.plan(LIB_NAME, context(root))
    assert (root / "Cargo.toml").read_bytes() == broken


def test_file_broken_after_the_plan_is_not_written(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    ctx = context(root)
    plan = fixes.plan(LIB_NAME, ctx)
    broken = b'[package\nname = "demo"\n'
    (root / "Cargo.toml").write_bytes(broken)
    assert not fixes.apply(plan, ctx).ok
    assert (root / "Cargo.toml").read_bytes() == broken


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    data = (root / "src/lib.rs").read_bytes().replace(b"The extension", b"The \xff extension")
    (root / "src/lib.rs").write_bytes(data)
    with pytest.raises(fixes.FixError, match="not UTF-8"):
        fixes.plan(patch(10, "#[pymodule]", "#[pymodule(name = 'x')]"), context(root))
    assert (root / "src/lib.rs").read_bytes() == data


def test_read_only_file_is_refused_even_for_root(tmp_path: Path) -> None:
    """A file with no write bit is refused: root could rename over it, but its owner said no."""
    root = mismatch_project(tmp_path / "p", "lib-name")
    cargo = root / "Cargo.toml"
    cargo.chmod(0o444)
    before = snapshot(root)
    ctx = context(root)
    outcome = fixes.apply(fixes.plan(LIB_NAME, ctx), ctx)
    assert not outcome.ok and "read-only" in outcome.message
    assert snapshot(root) == before and stat.S_IMODE(cargo.stat().st_mode) == 0o444
    assert no_temp_files(root)


@pytest.fixture(params=["file", "folder"])
def immutable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """`chattr +i` on Cargo.toml or on its folder: the kernel refuses the write, root too."""
    if not shutil.which("chattr"):
        pytest.skip("chattr is not installed")
    root = mismatch_project(tmp_path / "p", "lib-name")
    target = root / "Cargo.toml" if request.param == "file" else root
    made = subprocess.run(["chattr", "+i", str(target)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot make a file immutable here: {made.stderr.strip()}")
    try:
        yield root
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=True)


def test_immutable_file_or_folder_is_refused_with_nothing_lost(immutable: Path) -> None:
    root = immutable
    before = snapshot(root)
    ctx = context(root)
    outcome = fixes.apply(fixes.plan(LIB_NAME, ctx), ctx)
    # an immutable file fails the access check; in an immutable folder the temp file fails
    assert not outcome.ok, outcome.message
    assert "read-only" in outcome.message or "could not write" in outcome.message
    assert snapshot(root) == before and no_temp_files(root)
    if outcome.backup:
        assert Path(outcome.backup).read_bytes() == before["Cargo.toml"]


def _as_nobody() -> list[str]:
    if os.geteuid() != 0:
        return []  # already unprivileged: run the CLI as we are
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: no unprivileged user to test with")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_unprivileged_user_cannot_have_a_file_they_may_not_write_edited() -> None:
    """The CLI as a user without write access: refused, files and folder untouched."""
    prefix = _as_nobody()
    base = Path(tempfile.mkdtemp(prefix="pyo3-doctor-ro-"))
    try:
        base.chmod(0o755)
        root = mismatch_project(base / "p", "lib-name")
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        if not prefix:  # as a normal user, take the write bit away from ourselves
            (root / "Cargo.toml").chmod(0o444)
        state = base / "home"
        state.mkdir(mode=0o777)
        state.chmod(0o777)
        before = snapshot(root)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(state),
            "XDG_STATE_HOME": str(state / "state"),
            "PYTHONPATH": str(REPO),
        }
        proc = subprocess.run(
            [*prefix, sys.executable, "-m", "pyo3_doctor", "fix", "module-name-mismatch", "--yes"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode == 1, proc.stderr
        assert "read-only; nothing was written" in proc.stderr
        assert snapshot(root) == before
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_undo_restores_the_original_bytes(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name", crlf=True)
    before = snapshot(root)
    ctx = context(root)
    assert fixes.apply(fixes.plan(LIB_NAME, ctx), ctx).ok
    assert snapshot(root) != before
    undone = fixes.undo()
    assert undone.ok, undone.message
    assert snapshot(root) == before
    assert not fixes.undo().ok  # once


def test_undo_refuses_when_the_file_changed_since(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    ctx = context(root)
    assert fixes.apply(fixes.plan(LIB_NAME, ctx), ctx).ok
    with (root / "Cargo.toml").open("a") as fh:
        fh.write("# later work\n")
    theirs = (root / "Cargo.toml").read_bytes()
    undone = fixes.undo()
    assert not undone.ok and "changed since the fix" in undone.message
    assert (root / "Cargo.toml").read_bytes() == theirs


def test_undo_after_a_command_says_so(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    ctx = context(root)
    edited = fixes.apply(fixes.plan(LIB_NAME, ctx), ctx)
    ran = fixes.apply(fixes.plan(FixStep("noop", argv=(sys.executable, "-c", "pass")), ctx), ctx)
    assert edited.ok and ran.ok
    undone = fixes.undo()
    assert not undone.ok and "not undoable" in undone.message
    assert str(edited.backup) in undone.message  # the edit before it can still be restored


def test_env_and_text_steps_are_shown_never_applied(tmp_path: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    ctx = context(root)
    step = FixStep("set it", env={"PYO3_PYTHON": "/usr/bin/python3"})
    for shell, line in [
        ("/bin/bash", "export PYO3_PYTHON=/usr/bin/python3"),
        ("/usr/bin/fish", "set -gx PYO3_PYTHON '/usr/bin/python3'"),
        ("pwsh", "$env:PYO3_PYTHON = '/usr/bin/python3'"),
    ]:
        shown = fixes.plan(step, dataclasses.replace(ctx, env={"SHELL": shell}))
        assert shown.kind == "env" and shown.preview == line and not shown.runnable
        assert not fixes.apply(shown, ctx).ok
    text = fixes.plan(FixStep("do it", text="Edit the file by hand."), ctx)
    assert text.kind == "text" and not text.runnable and not fixes.apply(text, ctx).ok


def test_backup_is_kept_outside_the_project(tmp_path: Path, state_home: Path) -> None:
    root = mismatch_project(tmp_path / "p", "lib-name")
    original = (root / "Cargo.toml").read_bytes()
    ctx = context(root)
    outcome = fixes.apply(fixes.plan(LIB_NAME, ctx), ctx)
    assert outcome.backup and Path(outcome.backup).is_relative_to(state_home)
    assert Path(outcome.backup).read_bytes() == original
    assert safewrite.state_dir().is_relative_to(state_home)
