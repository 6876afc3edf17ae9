"""The one place where the TUI reaches the core: probes, reports, fixes, diagnosis, knowledge.

Screens and widgets only display; the app's workers call these functions from threads. Keeping
them here means a change in the engine, the fix engine or the matcher changes one module.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from pyo3_doctor import engine
from pyo3_doctor.context import Context
from pyo3_doctor.diagnosis.diagnose import scan_log
from pyo3_doctor.kb import entries as knowledge
from pyo3_doctor.model import FixStep, ProbeResult, Report
from pyo3_doctor.probes import Probe


def run_probes(
    probes: Sequence[Probe], ctx: Context, cancelled: threading.Event
) -> Iterator[ProbeResult]:
    engine.knowledge_base()  # parsed here, in the worker, so building reports never stalls the UI
    return engine.run_probes(probes, ctx, cancelled)


def build_report(results: Iterable[ProbeResult], ctx: Context) -> Report:
    return engine.build_report(list(results), ctx)


def plan_fix(step: FixStep, ctx: Context):  # -> pyo3_doctor.fixing.steps.Plan
    """What applying `step` would do; raises FixError (see fix_error()) when it cannot."""
    from pyo3_doctor.fixing import steps as fixes

    return fixes.plan(step, ctx)


def step_to_take(steps: Sequence[FixStep]) -> int | None:
    """Which of a finding's steps `fix` takes unasked (None: the user's own step)."""
    from pyo3_doctor.fixing import steps as fixes

    return fixes.step_to_take(steps)


def fix_error() -> type[Exception]:
    from pyo3_doctor.fixing import steps as fixes

    return fixes.FixError


def apply_fix(
    plan, ctx: Context, on_output: Callable[[str], None]
):  # -> pyo3_doctor.fixing.steps.Outcome
    """Blocking: run it in a thread worker. `on_output` is called from that thread."""
    from pyo3_doctor.fixing import steps as fixes

    return fixes.apply(plan, ctx, on_output)


class DiagnoseUnavailable(Exception):
    """The text cannot be diagnosed (no matcher in this build, or the text is binary)."""


@dataclass(frozen=True)
class Diagnosis:
    """A diagnosed paste as the TUI shows it: findings, or the first error lines."""

    report: Report  # findings best first, `source` = "log:<line>"
    error_lines: tuple[tuple[int, str], ...]  # first error-looking lines, for "no known cause"


@lru_cache(maxsize=1)
def _matcher():  # -> pyo3_doctor.diagnosis.matcher.Matcher, built once from the knowledge base
    from pyo3_doctor.diagnosis import diagnose

    return diagnose.matcher()


def diagnose_text(text: str, ctx: Context, results: Sequence[ProbeResult]) -> Diagnosis:
    """Match a pasted text; the probe results already on screen confirm and fill the fixes."""
    try:
        from pyo3_doctor.diagnosis import diagnose
        from pyo3_doctor.diagnosis.matcher import BinaryInput
    except ImportError:
        raise DiagnoseUnavailable("the log matcher is not in this build") from None
    try:
        scan = scan_log(_matcher(), io.BytesIO(text.encode("utf-8", errors="replace")))
    except BinaryInput as exc:
        raise DiagnoseUnavailable(f"this does not look like text: {exc}") from None
    return Diagnosis(diagnose.build(scan, results, ctx), scan.error_lines)


def knowledge_entries() -> Mapping[str, knowledge.Entry]:
    return engine.knowledge_base()


def entry_matches(entry: knowledge.Entry, words: str) -> bool:
    """Every word of the filter appears in the entry's id, title or explanation."""
    haystack = f"{entry.id} {entry.title} {entry.why}".lower()
    return all(word in haystack for word in words.lower().split())
