"""Pilot tests of the smaller interactions: mouse, copying a fix, filtering the knowledge base."""

from __future__ import annotations

from pathlib import Path

from test_checks_pilot import row, settle
from textual.widgets import Input, OptionList
from tui_fakes import fixed, module_name_probe

from pyo3_doctor.context import Context
from pyo3_doctor.model import Status
from pyo3_doctor.tui.app import DoctorApp


async def test_clicking_a_row_shows_that_probe(project: Path, ctx: Context) -> None:
    probes = [fixed("alpha", "Alpha", Status.OK, "all good"), module_name_probe(project)]
    app = DoctorApp(probes, ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert row(app, "module_name").highlighted  # landed on the failing check
        await pilot.click("#probe-alpha")
        await settle(pilot)
        assert row(app, "alpha").highlighted
        assert "all good" in str(app.screen.query_one(".probe-detail").render())
        assert not app.screen.query("FindingView")


async def test_c_copies_the_fix(project: Path, ctx: Context) -> None:
    app = DoctorApp([module_name_probe(project)], ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        assert app.clipboard == 'in pyproject.toml, set tool.maturin.module-name = "demo._core"'


async def test_knowledge_filters_as_you_type(ctx: Context) -> None:
    app = DoctorApp([fixed("alpha", "Alpha", Status.OK, "fine")], ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("k")
        entries = app.screen.query_one("#entries", OptionList)
        everything = entries.option_count
        assert everything > 10
        await pilot.press(*"linker miss")
        assert app.screen.query_one("#filter", Input).value == "linker miss"
        assert entries.option_count == 1
        assert entries.get_option_at_index(0).id == "linker-missing"
        assert "linker-missing" in str(app.screen.query_one("#entry-text").render())
        await pilot.press("down", "escape")
        assert app.screen.id == "checks"


async def test_knowledge_shows_placeholders_in_words(ctx: Context) -> None:
    app = DoctorApp([fixed("alpha", "Alpha", Status.OK, "fine")], ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await pilot.press(*"python-version-unsupported")
        text = str(app.screen.query_one("#entry-text").render())
        assert "PyO3" in text and "{" not in text, text
