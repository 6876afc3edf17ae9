"""`pyo3-doctor fix [ID]`: find the finding, show the plan, confirm, apply, re-check; with no
id, every finding that has a fix in turn; then the next step (a rebuild) is named and offered.

The step carried out is the first one, the best ranked for the facts here. When that one is
for the user to carry out (a line for their shell, a step by hand), a step ranked below it is
taken only when it fixes the finding on its own too (knowledge: `alternative`); a command for
another case or half a cure is never run in its place, with --yes or not: `fix` says the
user's step and stops. `--step N` picks any step.

Exit 0 when the re-check no longer finds it (or there was nothing to fix, or a dry run), 1
when it is still there or the fix failed, 2 when it may not run (no terminal and no --yes, or
the step to take is one only the user can carry out).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pyo3_doctor.context import Context
from pyo3_doctor.exits import ExitCode
from pyo3_doctor.model import Finding, FixStep
from pyo3_doctor.textsafe import clean, clean_line

if TYPE_CHECKING:
    from pyo3_doctor.fixing.steps import Plan


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")


def _show(text: str) -> None:
    """The plan itself (diff, argv, env line) goes to stdout, so it can be piped or saved."""
    sys.stdout.write(clean(text).rstrip("\n") + "\n")
    sys.stdout.flush()


def _ask(question: str) -> bool:
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def _findings(ctx: Context, finding_id: str, probe_ids: Sequence[str] = ()) -> list[Finding]:
    from pyo3_doctor.engine import check
    from pyo3_doctor.probes import BY_ID

    probes = [BY_ID[i] for i in probe_ids if i in BY_ID] or None
    return [f for f in check(ctx, probes).findings if f.id == finding_id]


def _chosen(
    numbered: Sequence[tuple[int, FixStep]], plans: Sequence[tuple[int, Plan]]
) -> tuple[int, Plan] | None:
    """The step to carry out, by the rule fixing.steps.step_to_take applies to the plans
    (a step that could not be planned does not run). None: the user's step is the one."""
    from pyo3_doctor.fixing.steps import step_to_take

    planned = dict(plans)
    runnable = [n in planned and planned[n].runnable for n, _ in numbered]
    index = step_to_take([step for _, step in numbered], runnable)
    return None if index is None else (numbered[index][0], planned[numbered[index][0]])


def _manual(finding: Finding, plans: Sequence[tuple[int, Plan]]) -> int:
    yours = [(n, p) for n, p in plans if not p.runnable]
    others = [(n, p) for n, p in plans if p.runnable]
    if others:  # runnable, but each for another case or only half of it
        _say("The step to take is one only you can carry out; nothing was changed:")
    else:
        _say("No step here can be applied for you; do one of these:")
    for _n, p in yours:
        _say(f"  - {clean_line(p.step.summary)}")
        _show(p.preview)
    for n, p in others:
        _say(f"  --step {n}: {clean_line(p.step.summary)} (it does not fix this on its own)")
    for url in finding.docs:
        _say(f"  docs: {clean_line(url)}")
    return ExitCode.USAGE


def _recheck(ctx: Context, finding: Finding) -> int:
    still = _findings(ctx.fresh(), finding.id, finding.recheck)
    if still:
        _say(f"re-checked: {finding.id} is still there:")
        for seen in still[0].evidence:
            _say(f"  seen: {clean_line(seen)}")
        return ExitCode.FINDINGS
    _say(f"re-checked: {finding.id} is fixed")
    return ExitCode.OK


def run_fix(args: argparse.Namespace, ctx: Context, usage_error: type[Exception]) -> int:
    from pyo3_doctor.fixing import steps as fixes

    if args.undo:
        from pyo3_doctor.project.loader import project

        outcome = fixes.undo(project(ctx).root)
        _say(clean_line(outcome.message))
        return ExitCode.OK if outcome.ok else ExitCode.FINDINGS
    from pyo3_doctor.fixing.lock import project_lock
    from pyo3_doctor.project.loader import project

    # one fix run at a time per project, from its first look to its re-check: a second run
    # then starts from the files the first one left
    with project_lock(project(ctx).root):
        return _fix_locked(args, ctx.fresh(), usage_error)  # read after the lock is held


def _fix_locked(args: argparse.Namespace, ctx: Context, usage_error: type[Exception]) -> int:
    if not args.id:
        return _fix_all(args, ctx, usage_error)
    from pyo3_doctor.engine import knowledge_base

    if args.id not in knowledge_base():  # a typo must not read as "nothing to fix"
        raise usage_error(f"no knowledge entry {args.id!r} (pyo3-doctor knowledge lists them)")
    found = _findings(ctx, args.id)
    if not found:
        _say(f"no {args.id} finding here: nothing to fix")
        return ExitCode.OK
    code = _fix_one(args, ctx, found[0], usage_error)
    if code == ExitCode.OK and not args.dry_run:
        _next_step(args, ctx, found[0])
    return code


def _fix_all(args: argparse.Namespace, ctx: Context, usage_error: type[Exception]) -> int:
    """`fix` with no id: every finding that has a fix, worst first, each asked for on its own."""
    from pyo3_doctor.engine import check

    if args.step is not None:
        raise usage_error("--step needs a finding id")
    todo = [f for f in check(ctx).findings if f.fixes]
    if not todo:
        _say("nothing to fix: no finding here has a fix")
        return ExitCode.OK
    _say(f"{len(todo)} finding(s) with a fix: {', '.join(f.id for f in todo)}")
    codes, fixed = [], []
    for number, finding in enumerate(todo, 1):
        _say(f"\n[{number}/{len(todo)}]")
        code = _fix_one(args, ctx, finding, usage_error)
        codes.append(code)
        if code == ExitCode.OK and not args.dry_run:
            fixed.append(finding)
    if fixed:
        _next_step(args, ctx, fixed[-1])
    if ExitCode.USAGE in codes and all(c != ExitCode.FINDINGS for c in codes):
        return ExitCode.USAGE
    return ExitCode.FINDINGS if ExitCode.FINDINGS in codes else ExitCode.OK


def _next_step(args: argparse.Namespace, ctx: Context, finding: Finding) -> None:
    """After a project fix the extension has to be built again: say so, and offer it."""
    from pyo3_doctor.fixing import steps as fixes
    from pyo3_doctor.model import FixStep
    from pyo3_doctor.project.loader import not_pyo3_reason, project

    proj = project(ctx.fresh())
    if proj.root is None or not proj.uses_maturin or not_pyo3_reason(proj, ctx.cwd):
        return
    if any(f.argv and f.argv[:2] == ("maturin", "develop") for f in finding.fixes[:1]):
        return  # the fix was the rebuild
    _say("next: rebuild and install the extension with `maturin develop`")
    if args.yes or sys.stdin is None or not sys.stdin.isatty() or not _ask("Run it now?"):
        return
    plan = fixes.plan(FixStep("maturin develop", argv=("maturin", "develop")), ctx)
    outcome = fixes.apply(plan, ctx, on_output=lambda chunk: sys.stderr.write(clean(chunk)))
    _say(clean_line(outcome.message))


def _fix_one(
    args: argparse.Namespace, ctx: Context, finding: Finding, usage_error: type[Exception]
) -> int:
    from pyo3_doctor.fixing import steps as fixes

    numbered = list(enumerate(finding.fixes, 1))
    if args.step is not None:
        if not 1 <= args.step <= len(numbered):
            raise usage_error(f"--step must be between 1 and {len(numbered)}")
        numbered = [numbered[args.step - 1]]
    plans = []
    for number, step in numbered:
        try:
            plans.append((number, fixes.plan(step, ctx)))
        except fixes.FixError as exc:
            _say(f"cannot plan step {number} '{clean_line(step.summary)}': {clean_line(str(exc))}")
    _say(f"{finding.id}: {clean_line(finding.title)}")
    if not finding.fixes:
        _say("no fix step is known for it")
        for url in finding.docs:
            _say(f"  docs: {clean_line(url)}")
        return ExitCode.FINDINGS
    chosen = _chosen(numbered, plans)
    if chosen is None:
        return _manual(finding, plans) if plans else ExitCode.FINDINGS
    number, plan = chosen
    _say(f"Plan (step {number} of {len(finding.fixes)}): {clean_line(plan.step.summary)}")
    _show(plan.preview)
    others = [n for n, _s in enumerate(finding.fixes, 1) if n != number]
    if others and args.step is None:
        _say(f"other ways: --step {' or --step '.join(map(str, others))}")
    if args.dry_run:
        _say("dry run: nothing was changed")
        return ExitCode.OK
    if not args.yes:
        if sys.stdin is None or not sys.stdin.isatty():  # None: stdin closed (`<&-`)
            _say("not a terminal: nothing was changed; pass --yes to apply without asking")
            return ExitCode.USAGE
        if not _ask("Apply this?"):
            _say("nothing was changed")
            return ExitCode.OK
    # what was approved must still be what is applied: the finding is checked again, and
    # its plan must read exactly as the preview did (the files may have changed meanwhile)
    again = _findings(ctx.fresh(), finding.id)  # all checks: the plan uses their facts
    if not again:
        _say(f"{finding.id} is no longer there (fixed meanwhile?): nothing was changed")
        return ExitCode.OK
    try:
        replanned = fixes.plan(again[0].fixes[number - 1], ctx.fresh())
    except (IndexError, fixes.FixError):
        replanned = None
    if replanned is None or replanned.preview != plan.preview:
        _say("the fix changed since the preview: nothing was changed; run fix again")
        return ExitCode.FINDINGS
    outcome = fixes.apply(replanned, ctx, on_output=lambda chunk: sys.stderr.write(clean(chunk)))
    _say(clean_line(outcome.message))
    if not outcome.ok:
        return ExitCode.FINDINGS
    return _recheck(ctx, finding)
