"""Pilot tests of fixes: confirm, apply (a real TOML edit, a real command), re-check, cancel."""

from __future__ import annotations

from pathlib import Path

from test_checks_pilot import row, settle
from tui_fakes import fake_python, fixed, module_name_probe, venv_probe

from pyo3_doctor.context import Context
from pyo3_doctor.model import Detected, Severity, Status
from pyo3_doctor.tui.app import DoctorApp
from pyo3_doctor.tui.messages import (
    FixApplied,
    FixCancelled,
    FixOutputReceived,
    FixRechecked,
    ProbeFinished,
)
from pyo3_doctor.tui.screens.confirm_fix import ConfirmFix


async def test_toml_fix_is_confirmed_applied_and_rechecked(project: Path, ctx: Context) -> None:
    seen: list[object] = []
    app = DoctorApp([module_name_probe(project)], ctx)
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await settle(pilot)
        assert row(app, "module_name").has_class("-fail")
        await pilot.press("f")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmFix)
        preview = str(dialog.query_one("#preview-text").render())
        assert '-module-name = "wrong"' in preview
        assert '+module-name = "demo._core"' in preview
        await pilot.press("y")
        await settle(pilot)
        applied = [m for m in seen if isinstance(m, FixApplied)]
        assert len(applied) == 1 and applied[0].outcome.ok
        assert [m.fixed for m in seen if isinstance(m, FixRechecked)] == [True]
        assert "is fixed" in str(dialog.query_one("#outcome").render())
        await pilot.press("escape")
        assert app.screen.id == "checks"
        assert row(app, "module_name").has_class("-ok")
        runs = [m.run for m in seen if isinstance(m, ProbeFinished)]
        assert runs == [1, 2]  # the first run, then the re-check the fix names
    text = (project / "pyproject.toml").read_text()
    assert 'module-name = "demo._core"' in text
    assert "# the demo project" in text and "# keep this comment" in text


async def test_cancelled_fix_changes_nothing(project: Path, ctx: Context) -> None:
    before = (project / "pyproject.toml").read_bytes()
    seen: list[object] = []
    app = DoctorApp([module_name_probe(project)], ctx)
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmFix)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.id == "checks"
        assert [m.finding_id for m in seen if isinstance(m, FixCancelled)] == [
            "module-name-mismatch"
        ]
        assert not [m for m in seen if isinstance(m, FixApplied)]
        assert row(app, "module_name").has_class("-fail")
        assert len([m for m in seen if isinstance(m, ProbeFinished)]) == 1  # no re-check
    assert (project / "pyproject.toml").read_bytes() == before


async def test_command_fix_streams_output_then_rechecks(
    project: Path, ctx: Context, tmp_path: Path
) -> None:
    python = fake_python(tmp_path)
    seen: list[object] = []
    app = DoctorApp([venv_probe(project, python)], ctx)
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await settle(pilot)
        assert row(app, "virtualenv").has_class("-fail")
        # enter on the row moves into its fixes; enter on a fix applies it (after asking)
        await pilot.press("enter")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmFix)
        assert f"$ {python} -m venv" in str(dialog.query_one("#preview-text").render())
        await pilot.click("#apply")
        await settle(pilot)
        output = "".join(m.chunk for m in seen if isinstance(m, FixOutputReceived))
        assert "creating" in output and "done" in output
        assert "done" in "\n".join(dialog.query_one("#output").lines)
        assert [m.fixed for m in seen if isinstance(m, FixRechecked)] == [True]
        await pilot.press("enter")  # Close has the focus once the fix is done
        assert row(app, "virtualenv").has_class("-ok")
    assert (project / ".venv").is_dir()


async def test_after_a_fix_focus_is_back_on_the_checks(project: Path, ctx: Context) -> None:
    from textual.widgets import ListView

    app = DoctorApp([module_name_probe(project)], ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # into the finding's fixes
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert row(app, "module_name").has_class("-ok")
        assert isinstance(app.screen.focused, ListView), app.screen.focused


async def test_f_offers_the_users_step_not_a_command_for_another_case(ctx: Context) -> None:
    # no Rust at all: rustup's installer (by hand) is the step; the distribution's package,
    # where this machine has one, is listed but is not what `f` offers
    detected = (Detected("rust-not-installed", Severity.FAIL),)
    app = DoctorApp([fixed("rust", "Rust toolchain", Status.FAIL, "no rustc", detected)], ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmFix)
        assert "https://rustup.rs" in str(dialog.query_one("#preview-text").render())
        assert "for you to carry out" in str(dialog.query_one("#outcome").render())
