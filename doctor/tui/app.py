"""DoctorApp: the screens, plus the workers that run probes, fixes and the log matcher.

Inputs come as arguments (probes, context, timeout) so tests build the app with fake probes
and a staged project. Workers run in threads and only post past-tense messages; the handlers
here keep the latest result per probe and hand the screens what to show. A run is numbered so
that a late answer from an older run never paints over a newer one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Callable, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerFailed, WorkerState, get_current_worker

from pyo3_doctor.about import TOOL
from pyo3_doctor.context import Context
from pyo3_doctor.fixing.shell import fix_line
from pyo3_doctor.model import Finding, ProbeResult, Report
from pyo3_doctor.probes import Probe
from pyo3_doctor.textsafe import clean_line
from pyo3_doctor.tui import backend
from pyo3_doctor.tui.messages import (
    FixApplied,
    FixCancelled,
    FixOutputReceived,
    FixRechecked,
    PasteDiagnosed,
    ProbeFinished,
    ProbesFinished,
    ProbesStarted,
)
from pyo3_doctor.tui.screens.checks import ChecksScreen
from pyo3_doctor.tui.screens.confirm_fix import ConfirmFix
from pyo3_doctor.tui.screens.diagnose import DiagnoseScreen
from pyo3_doctor.tui.screens.help import HelpScreen
from pyo3_doctor.tui.screens.knowledge import KnowledgeScreen


class DoctorApp(App[int]):
    CSS_PATH = "doctor.tcss"
    TITLE = TOOL
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("question_mark", "help", "Keys", show=False),
    ]
    SCREENS: ClassVar[dict[str, Callable[[], Screen[Any]]]] = {
        "diagnose": DiagnoseScreen,
        "knowledge": KnowledgeScreen,
    }

    def __init__(
        self,
        probes: Sequence[Probe],
        context: Context,
        timeout: float | None = None,
        shell: str | None = None,
    ) -> None:
        super().__init__()
        if timeout is not None:
            context = dataclasses.replace(context, timeout=timeout)
        self.probes = tuple(probes)
        self.by_id = {p.ID: p for p in self.probes}
        self.context = context
        self.shell = context.env.get("SHELL", "") if shell is None else shell
        self.results: dict[str, ProbeResult] = {}
        self.report: Report | None = None
        self._run = 0
        self._latest: dict[str, int] = {}  # probe id -> the run whose answer counts
        self._pending_recheck: dict[int, Finding] = {}  # run -> the fix it re-checks
        self._fix_dialog: ConfirmFix | None = None
        self.checks = ChecksScreen(self.probes, self.shell)
        self.crash: Exception | None = None  # our own bug: pyo3_doctor.tui.run re-raises it

    def get_default_screen(self) -> ChecksScreen:
        return self.checks

    def _handle_exception(self, error: Exception) -> None:
        # Textual's hook for an exception nothing handled. It sets the return code (and under
        # the test pilot, re-raises the exception from run_test); keep the first for run().
        self.crash = self.crash or error
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        # Textual would print a rich traceback once the terminal is restored. pyo3-doctor
        # says one line and writes a crash log instead (pyo3_doctor.cli.main.main), so only close.
        self._close_messages_no_wait()

    # --- probes ---------------------------------------------------------------------------

    def run_checks(self, probes: Sequence[Probe]) -> int:
        """Start a run of `probes`; their rows show the running indicator until they answer."""
        self._run += 1
        run = self._run
        ids = tuple(p.ID for p in probes)
        for probe_id in ids:
            self._latest[probe_id] = run
            self.results.pop(probe_id, None)
        self.checks.mark_running(ids)
        self.post_message(ProbesStarted(run, ids))
        self._probe_worker(run, tuple(probes), self.context.fresh())
        return run

    @work(thread=True, group="probes", exit_on_error=False, description="running probes")
    def _probe_worker(self, run: int, probes: Sequence[Probe], ctx: Context) -> None:
        worker = get_current_worker()
        # quitting cancels this worker; Textual's exit then waits for its thread, not a hung tool
        for result in backend.run_probes(probes, ctx, worker.cancelled_event):
            if worker.is_cancelled:
                return
            self.post_message(ProbeFinished(run, result))
        self.post_message(ProbesFinished(run))

    async def on_probe_finished(self, event: ProbeFinished) -> None:
        if self._latest.get(event.result.probe) != event.run:
            return
        self.results[event.result.probe] = event.result
        self.report = backend.build_report(self.results.values(), self.context)
        await self.checks.show_result(event.result, self.report)

    async def on_probes_finished(self, event: ProbesFinished) -> None:
        await self.checks.run_finished()
        finding = self._pending_recheck.pop(event.run, None)
        if finding is None or self.report is None:
            return
        fixed = not any(f.id == finding.id for f in self.report.findings)
        if self._fix_dialog is not None and self._fix_dialog.is_attached:
            self._fix_dialog.rechecked(fixed)
        else:  # the dialog was closed before the re-check ended
            self.notify(f"{finding.id} is {'fixed' if fixed else 'still there'}.")
        self.post_message(FixRechecked(finding.id, fixed))

    def action_rerun(self) -> None:
        self.run_checks(self.probes)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = clean_line(f"{event.worker.description} failed: {event.worker.error}")
            self.notify(error, severity="error", markup=False)

    # --- fixes ----------------------------------------------------------------------------

    def copy_fix(self, finding: Finding, index: int) -> None:
        line = fix_line(finding.fixes[index], self.shell)
        self.copy_to_clipboard(line)
        self.notify("Copied the fix to the clipboard.")

    @work(exclusive=True, group="fix", exit_on_error=False, description="fix")
    async def start_fix(self, finding: Finding, index: int) -> None:
        """Plan, ask, apply in a thread with live output, then re-run the probes it names."""
        ctx = self.context.fresh()
        step = finding.fixes[index]
        try:
            plan = backend.plan_fix(step, ctx)
        except backend.fix_error() as exc:
            error = clean_line(f"Cannot plan this fix: {exc}")
            self.notify(error, severity="error", markup=False)
            return
        dialog = ConfirmFix(finding, plan)
        self._fix_dialog = dialog
        await self.push_screen(dialog)
        if not await dialog.answer():
            self.post_message(FixCancelled(finding.id))
            return
        outcome = await self._apply(plan, ctx, dialog)
        recheck = [self.by_id[i] for i in finding.recheck if i in self.by_id] or self.probes
        dialog.finish(outcome.ok, outcome.message, rechecking=outcome.ok)
        self.post_message(FixApplied(finding, outcome))
        if outcome.ok:
            self._pending_recheck[self.run_checks(recheck)] = finding

    async def _apply(self, plan: Any, ctx: Context, dialog: ConfirmFix) -> Any:
        from pyo3_doctor.fixing.steps import Outcome

        def apply() -> Any:
            return backend.apply_fix(
                plan, ctx, lambda chunk: dialog.post_message(FixOutputReceived(chunk))
            )

        worker = self.run_worker(
            apply, thread=True, group="fix-apply", description="fix", exit_on_error=False
        )
        try:
            return await worker.wait()
        except WorkerFailed as exc:
            return Outcome(False, f"the fix failed: {exc.error}")

    # --- diagnose -------------------------------------------------------------------------

    def diagnose(self, text: str, generation: int, screen: DiagnoseScreen) -> None:
        """Match `text` in a worker; the answer goes to `screen` as PasteDiagnosed."""
        self._diagnose_worker(text, generation, screen, tuple(self.results.values()))

    @work(thread=True, exclusive=True, group="diagnose", exit_on_error=False)
    def _diagnose_worker(
        self,
        text: str,
        generation: int,
        screen: DiagnoseScreen,
        results: tuple[ProbeResult, ...],
    ) -> None:
        try:
            diagnosis = backend.diagnose_text(text, self.context, results)
        except backend.DiagnoseUnavailable as exc:
            screen.post_message(PasteDiagnosed(generation, None, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            screen.post_message(PasteDiagnosed(generation, diagnosis))

    # --- help -----------------------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
