"""Snapshots of each screen over fixed results: no timings, hostile text shown literally.

Run `pytest tests/tui --snapshot-update` only after reading the HTML report of a failure.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from test_checks_pilot import settle, wait_until
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from tui_fakes import HOSTILE, FakeProbe, fixed, module_name_probe

from pyo3_doctor.context import Context
from pyo3_doctor.model import Detected, Evidence, Severity, Status
from pyo3_doctor.tui.app import DoctorApp

Steps = Callable[[Pilot[object]], Awaitable[None]]


def report_probes(project: Path) -> list[FakeProbe]:
    hostile_run = Evidence(
        ("maturin", "[red]develop[/red]"), 1, f"{HOSTILE}\nerror: no virtualenv\x1b[K\n"
    )
    return [
        fixed("project", "Project files", Status.OK, "demo: pyproject.toml, Cargo.toml"),
        fixed("rust", "Rust toolchain", Status.OK, "rustc 1.80.0, cargo 1.80.0"),
        fixed(
            "virtualenv",
            "Virtual environment",
            Status.WARN,
            HOSTILE,
            (Detected("venv-not-activated", Severity.WARN),),
            (hostile_run,),
            {
                "python": "/usr/bin/python3",
                "python_version": "3.12.1",
                "venv_dir": "/home/me/demo/.venv",
                "venv_python": "/home/me/demo/.venv/bin/python",
                "venv_python_version": "3.11.9",
            },
        ),
        module_name_probe(project),
        fixed("python_dev", "Python headers", Status.SKIP, "an extension module needs none"),
        fixed("linker", "C linker", Status.WARN, "cc found, but [bold]ld[/] is odd"),
    ]


def settled(*keys: str, theme: str | None = None) -> Steps:
    async def steps(pilot: Pilot[object]) -> None:
        if theme:
            pilot.app.theme = theme
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        for widget in pilot.app.screen.query("Input, TextArea"):
            assert isinstance(widget, (Input, TextArea))
            widget.cursor_blink = False
        await pilot.pause()

    return steps


def test_checks_80x24(snap_compare, project: Path, ctx: Context) -> None:
    app = DoctorApp(report_probes(project), ctx)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled())


def test_checks_hostile_evidence_light_theme(snap_compare, project: Path, ctx: Context) -> None:
    app = DoctorApp(report_probes(project), ctx)
    steps = settled(theme="textual-light")
    assert snap_compare(app, terminal_size=(100, 32), run_before=steps)


def test_checks_no_color(
    snap_compare, project: Path, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = DoctorApp(report_probes(project), ctx)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled())


def test_fix_dialog_shows_the_diff(snap_compare, project: Path, ctx: Context) -> None:
    app = DoctorApp(report_probes(project), ctx)
    steps = settled("f")  # the cursor starts on the first failing check, module name
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps)


def test_knowledge_filtered(snap_compare, project: Path, ctx: Context) -> None:
    app = DoctorApp(report_probes(project), ctx)
    steps = settled("k", *"linker")
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps)


def test_help(snap_compare, project: Path, ctx: Context) -> None:
    app = DoctorApp(report_probes(project), ctx)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled("question_mark"))


def test_diagnose_paste(
    snap_compare, project: Path, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_diagnose_pilot import IMPORT_ERROR

    from pyo3_doctor.tui.screens.diagnose import DiagnoseScreen

    monkeypatch.setattr(DiagnoseScreen, "DEBOUNCE_SECONDS", 0.0)
    app = DoctorApp(report_probes(project), ctx)

    def found() -> bool:
        return "found" in str(app.screen.query_one("#diagnose-status").render())

    async def steps(pilot: Pilot[object]) -> None:
        await settled("d")(pilot)
        pilot.app.post_message(events.Paste(f"{HOSTILE}\n{IMPORT_ERROR}"))
        await wait_until(pilot, found)
        await settled()(pilot)

    assert snap_compare(app, terminal_size=(100, 32), run_before=steps)
