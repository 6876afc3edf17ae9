"""The one place where the TUI reaches the core: probes, reports, fixes, diagnosis, knowledge.

Screens and widgets only display; the app's workers call these functions from threads. Keeping
them here means a change in the engine, the fix engine or the matcher changes one module.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Callable

from doctor import engine, knowledge
from doctor.context import Context
from doctor.model import FixStep, ProbeResult, Report
from probes import Probe


def fresh_context(ctx: Context) -> Context:
    """The same machine and project, with no remembered facts: a re-run must see edits."""
    return dataclasses.replace(ctx, _memo={}, _locks={}, _guard=threading.Lock())


def run_probes(probes: Sequence[Probe], ctx: Context) -> Iterator[ProbeResult]:
    knowledge.load()  # parsed here, in the worker, so building reports never stalls the UI
    return engine.run_probes(probes, ctx)


def build_report(results: Iterable[ProbeResult], ctx: Context) -> Report:
    return engine.build_report(list(results), ctx)


def plan_fix(step: FixStep, ctx: Context):  # -> doctor.fixes.Plan
    """What applying `step` would do; raises FixError (see fix_error()) when it cannot."""
    from doctor import fixes

    return fixes.plan(step, ctx)


def fix_error() -> type[Exception]:
    from doctor import fixes

    return fixes.FixError


def apply_fix(plan, ctx: Context, on_output: Callable[[str], None]):  # -> doctor.fixes.Outcome
    """Blocking: run it in a thread worker. `on_output` is called from that thread."""
    from doctor import fixes

    return fixes.apply(plan, ctx, on_output)


class DiagnoseUnavailable(Exception):
    """This build has no log matcher."""


def diagnose_text(text: str, ctx: Context, results: Sequence[ProbeResult]) -> Report:
    """Findings for a pasted log, best first, `source` = "log:<line>"."""
    try:
        from doctor import diagnose
    except ImportError:
        raise DiagnoseUnavailable(
            "the log matcher (doctor.diagnose) is not in this build"
        ) from None
    return diagnose.diagnose_text(text, ctx, results)  # type: ignore[attr-defined]


def knowledge_entries() -> Mapping[str, knowledge.Entry]:
    return knowledge.load()


def entry_matches(entry: knowledge.Entry, words: str) -> bool:
    """Every word of the filter appears in the entry's id, title or explanation."""
    haystack = f"{entry.id} {entry.title} {entry.why}".lower()
    return all(word in haystack for word in words.lower().split())
