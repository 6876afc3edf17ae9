"""`pyo3-doctor upgrade [--to VERSION | --for-python X.Y] [--apply [--yes]]`: the plan of a
PyO3 upgrade for this crate (releases crossed, what touches this code with file:line, the MSRV
and Python steps), and its mechanical edits applied on request, each with a diff and backup."""

from __future__ import annotations

import argparse
import json
import sys

from pyo3_doctor.context import Context
from pyo3_doctor.exits import ExitCode
from pyo3_doctor.model import FixStep
from pyo3_doctor.textsafe import clean, clean_line


def _steps(ctx: Context, found) -> list[FixStep]:
    from pyo3_doctor.machine.pyo3_fit import requirement_site
    from pyo3_doctor.project.loader import project

    steps = []
    site = requirement_site(project(ctx))
    if site is not None:
        value = json.dumps(found.target.series)
        edit = {"file": str(site[0]), "key": site[1], "value": value}
        steps.append(FixStep(f"pyo3 = {value} in Cargo.toml", edit=edit))
    for use in found.uses:
        new = use.renamed
        if new is not None and new != use.text:
            patch = {"file": str(use.file), "line": str(use.line), "old": use.text, "new": new}
            steps.append(FixStep(f"{use.rule.says}", patch=patch))
    return steps


def _as_dict(ctx: Context, found, proj) -> dict:
    from pyo3_doctor.machine.toolchain import rustc

    have = rustc(ctx).version
    return {
        "from": str(found.current),
        "to": found.target.series,
        "releases": [{"series": s, "changes": c} for s, c in found.releases],
        "uses": [
            {
                "rule": u.rule.id,
                "series": u.rule.series,
                "location": f"{proj.rel(u.file)}:{u.line}",
                "says": u.rule.says,
                "automatic": u.renamed is not None,
                "guide": u.rule.url,
            }
            for u in found.uses
        ],
        "msrv": str(found.target.msrv),
        "rustc": str(have) if have else None,
        "msrv_met": bool(have and have >= found.target.msrv),
        "oldest_python": found.dropped_python or None,
    }


def run_upgrade(args: argparse.Namespace, ctx: Context, usage_error: type[Exception]) -> int:
    from pyo3_doctor.project.loader import project
    from pyo3_doctor.project.upgrade import plan, target_series

    proj = project(ctx)
    try:
        target = target_series(args.to, args.for_python)
    except ValueError:
        raise usage_error("--to takes a version (0.27), --for-python a Python (3.14)") from None
    if target is None:
        raise usage_error("no PyO3 release known to the knowledge base fits that")
    found = plan(proj, target)
    if found is None:
        raise usage_error("no pyo3 dependency here (Cargo.toml); point at a crate with --project")
    data = _as_dict(ctx, found, proj)
    if args.format == "json":
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        _say_plan(data)
    if not args.apply:
        return ExitCode.OK
    return _apply(args, ctx, _steps(ctx, found))


def _say_plan(data: dict) -> None:
    out = [f"PyO3 {data['from']} -> {data['to']}"]
    if data["from"].rsplit(".", 1)[0] == data["to"] or not data["releases"]:
        out.append("  no release of note is crossed")
    for release in data["releases"]:
        out.append(f"  {release['series']}: {release['changes']}")
    out.append(f"In this code ({len(data['uses'])} place(s)):")
    for use in data["uses"]:
        how = "automatic" if use["automatic"] else "by hand"
        out.append(f"  {use['location']}  [{use['series']}, {how}] {use['says']}")
    ok = "met" if data["msrv_met"] else "NOT met"
    out.append(f"rustc: {data['to']} needs {data['msrv']}; this machine has {data['rustc']} ({ok})")
    if data["oldest_python"]:
        out.append(f"Python: {data['to']} supports Python {data['oldest_python']} and later only")
    out.append("Guide: https://pyo3.rs/latest/migration.html; --apply makes the automatic edits")
    sys.stdout.write("\n".join(clean_line(line) for line in out) + "\n")


def _apply(args: argparse.Namespace, ctx: Context, steps: list[FixStep]) -> int:
    from pyo3_doctor.cli.fix import _ask, _show
    from pyo3_doctor.fixing import steps as fixes

    for step in steps:
        planned = fixes.plan(step, ctx)
        sys.stderr.write(f"{clean_line(step.summary)}\n")
        _show(planned.preview)
        if not args.yes and not (sys.stdin and sys.stdin.isatty() and _ask("Apply this?")):
            sys.stderr.write("skipped\n")
            continue
        outcome = fixes.apply(planned, ctx)
        sys.stderr.write(clean(outcome.message) + "\n")
        if not outcome.ok:
            return ExitCode.FINDINGS
    sys.stderr.write("next: cargo check, then what the plan lists by hand\n")
    return ExitCode.OK
