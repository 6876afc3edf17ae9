"""`pyo3-doctor fix ID`: find the finding, show the plan, confirm, apply, re-check.

Exit 0 when the re-check no longer finds it (or there was nothing to fix), 1 when it is still
there or the fix failed, 2 when it may not run (no terminal and no --yes, manual step only).
"""

from __future__ import annotations

import argparse
import sys

from doctor.context import Context
from doctor.exitcodes import ExitCode
from doctor.model import Finding
from doctor.textsafe import clean, clean_line


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")


def _ask(question: str) -> bool:
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def _findings(ctx: Context, finding_id: str, probe_ids=None) -> list[Finding]:
    from doctor.engine import check
    from probes import BY_ID

    probes = [BY_ID[i] for i in probe_ids if i in BY_ID] if probe_ids else None
    return [f for f in check(ctx, probes).findings if f.id == finding_id]


def run_fix(args: argparse.Namespace, ctx: Context, usage_error: type[Exception]) -> int:
    from doctor import fixes

    if args.undo:
        outcome = fixes.undo()
        _say(clean_line(outcome.message))
        return ExitCode.OK if outcome.ok else ExitCode.FINDINGS
    if not args.id:
        raise usage_error("fix needs a finding id (or --undo); `pyo3-doctor check` lists them")
    found = _findings(ctx, args.id)
    if not found:
        _say(f"no {args.id} finding here: nothing to fix")
        return ExitCode.OK
    finding = found[0]
    steps = list(finding.fixes)
    if args.step is not None:
        if not 1 <= args.step <= len(steps):
            raise usage_error(f"--step must be between 1 and {len(steps)}")
        steps = [steps[args.step - 1]]
    plans = []
    for step in steps:
        try:
            plans.append(fixes.plan(step, ctx))
        except fixes.FixError as exc:
            _say(f"cannot plan '{clean_line(step.summary)}': {clean_line(str(exc))}")
    chosen = next((p for p in plans if p.runnable), None)
    _say(f"{finding.id}: {clean_line(finding.title)}")
    if chosen is None:
        _say("No step here can be applied for you; do one of these:")
        for p in plans:
            _say(f"  - {clean_line(p.step.summary)}\n    {clean(p.preview)}")
        return ExitCode.USAGE
    _say(f"Plan: {clean_line(chosen.step.summary)}")
    sys.stdout.write(clean(chosen.preview).rstrip("\n") + "\n")
    sys.stdout.flush()
    if args.dry_run:
        _say("dry run: nothing was changed")
        return ExitCode.OK
    if not args.yes:
        if not sys.stdin.isatty():
            _say("not a terminal: nothing was changed; pass --yes to apply without asking")
            return ExitCode.USAGE
        if not _ask("Apply this?"):
            _say("nothing was changed")
            return ExitCode.OK
    outcome = fixes.apply(chosen, ctx, on_output=lambda chunk: sys.stderr.write(clean(chunk)))
    _say(clean_line(outcome.message))
    if not outcome.ok:
        return ExitCode.FINDINGS
    still = _findings(ctx, finding.id, finding.recheck)
    if still:
        seen = "; ".join(clean_line(e) for e in still[0].evidence)
        _say(f"re-checked: {finding.id} is still there: {seen}")
        return ExitCode.FINDINGS
    _say(f"re-checked: {finding.id} is fixed")
    return ExitCode.OK
