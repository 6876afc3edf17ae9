"""Pilot tests of the Checks screen: rows appear at once and update as results land."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from textual.pilot import Pilot
from textual.worker import WorkerState
from tui_fakes import crashing, fixed, gated, hanging

from pyo3_doctor.context import Context
from pyo3_doctor.model import Detected, Severity, Status
from pyo3_doctor.tui.app import DoctorApp
from pyo3_doctor.tui.messages import ProbeFinished, ProbesFinished
from pyo3_doctor.tui.screens.confirm_fix import ConfirmFix
from pyo3_doctor.tui.widgets.probe_row import ProbeRow
from pyo3_doctor.tui.widgets.summary_line import SummaryLine


async def settle(pilot: Pilot[object], timeout: float = 30) -> None:
    """Wait until every worker is done (or only waits for the user's answer to a fix)
    and every message the workers posted has been handled."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause()
        busy = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        threads = [w for w in busy if w.group != "fix"]
        if threads:
            await app.workers.wait_for_complete(threads)
            continue
        asking = isinstance(app.screen, ConfirmFix) and app.screen.phase == "ask"
        if not busy or asking:
            await pilot.pause()
            return
    raise AssertionError("workers never settled")


async def wait_until(pilot: Pilot[object], done: Callable[[], bool], timeout: float = 30) -> None:
    """Settle repeatedly until `done()` holds (a timer or a worker may still be on its way)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await settle(pilot)
        if done():
            return
    raise AssertionError("the condition never held")


def row(app: DoctorApp, probe_id: str) -> ProbeRow:
    return app.screen.query_one(f"#probe-{probe_id}", ProbeRow)


async def test_rows_update_as_results_arrive(ctx: Context) -> None:
    probes = [
        fixed("alpha", "Alpha", Status.OK, "all good"),
        fixed(
            "beta",
            "Beta",
            Status.FAIL,
            "no venv here",
            (Detected("venv-conda-conflict", Severity.FAIL),),
        ),
        fixed("gamma", "Gamma", Status.SKIP, "does not apply"),
    ]
    seen: list[object] = []
    app = DoctorApp(probes, ctx)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(pilot)
        finished = [m.result.probe for m in seen if isinstance(m, ProbeFinished)]
        assert sorted(finished) == ["alpha", "beta", "gamma"]
        assert sum(isinstance(m, ProbesFinished) for m in seen) == 1
        assert row(app, "alpha").has_class("-ok")
        assert row(app, "beta").has_class("-fail")
        assert row(app, "gamma").has_class("-skip")
        assert not list(app.screen.query("ProbeRow.-running"))
        summary = str(app.screen.query_one(SummaryLine).render())
        assert "1 failing, 0 warning in 3 checks" in summary
        # the cursor lands on the first problem, whose finding and fix are shown
        detail = app.screen.query_one("#detail")
        assert "venv-conda-conflict" in str(detail.query_one("FindingView .finding-head").render())


async def test_rows_paint_before_any_probe_answers(ctx: Context) -> None:
    gate = threading.Event()
    app = DoctorApp([gated(gate), fixed("alpha", "Alpha", Status.OK, "fine")], ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert row(app, "gated").has_class("-running")
        assert "checking" in str(app.screen.query_one(SummaryLine).render())
        gate.set()
        await settle(pilot)
        assert row(app, "gated").has_class("-ok")


async def test_crashed_and_timed_out_probes_show_as_such(ctx: Context) -> None:
    probes = [crashing(), hanging(seconds=3), fixed("alpha", "Alpha", Status.OK, "fine")]
    seen: list[object] = []
    app = DoctorApp(probes, ctx, timeout=0.3)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(pilot)
        statuses = {m.result.probe: m.result.status for m in seen if isinstance(m, ProbeFinished)}
        assert statuses == {"boom": Status.CRASH, "slow": Status.TIMEOUT, "alpha": Status.OK}
        assert row(app, "boom").has_class("-crash")
        assert row(app, "slow").has_class("-timeout")
        assert row(app, "alpha").has_class("-ok")
        assert "[☠]" in str(row(app, "boom").query_one(".mark").render())
        assert "no answer after 0.3s" in str(row(app, "slow").query_one(".summary").render())


async def test_rerun_runs_every_probe_again(ctx: Context) -> None:
    seen: list[object] = []
    app = DoctorApp([fixed("alpha", "Alpha", Status.OK, "fine")], ctx)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert [m.run for m in seen if isinstance(m, ProbeFinished)] == [1, 2]
        assert row(app, "alpha").has_class("-ok")


async def test_navigation_and_quit(ctx: Context) -> None:
    app = DoctorApp([fixed("alpha", "Alpha", Status.OK, "fine")], ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.press("k")
        assert app.screen.id == "knowledge"
        await pilot.press("escape")
        await pilot.press("d")
        assert app.screen.id == "diagnose"
        await pilot.press("escape")
        assert app.screen.id == "checks"
        await pilot.press("q")
    assert app.return_code == 0
