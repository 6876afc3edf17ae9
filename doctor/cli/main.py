"""Command line: `pyo3-doctor [check|diagnose|knowledge] ...`.

stdout is data (the report), stderr is talk. Errors are one line on stderr and an exit code
from pyo3_doctor.exits, never a traceback; unexpected ones also leave a crash log. The TUI is
imported only on the interactive path, so `--json`, `check` and `diagnose` never load Textual.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from collections.abc import Sequence
from typing import Callable

from pyo3_doctor import render
from pyo3_doctor.about import TOOL
from pyo3_doctor.exits import (
    ExitCode,
    crash_log,
    error_line,
    interrupted,
    quiet_threads,
    silence_stdout,
)


class UsageError(Exception):
    """Bad arguments or unreadable input: exit 2 with this one-line message."""


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("must be between 0 and 3600 seconds")
    return value


def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    # Sub-commands suppress defaults so that an option given before the sub-command survives.
    default: Callable[[object], object] = (lambda v: v) if top else (lambda v: argparse.SUPPRESS)
    parser.add_argument(
        "--format",
        choices=tuple(render.FORMATS),
        default=default("text"),
        help="text (default), json (one JSON report, docs/json.md), github (GitHub "
        "Actions annotations and job summary), junit (JUnit XML) or sarif (SARIF 2.1.0)",
    )
    parser.add_argument(
        "--json",
        dest="format",
        action="store_const",
        const="json",
        default=default("text"),
        help="the same as --format json",
    )
    parser.add_argument(
        "--redact",
        action="store_true",
        default=default(False),
        help="replace the home directory, user name and host name in all output",
    )
    parser.add_argument(
        "--no-exec",
        action="store_true",
        default=default(False),
        help="run nothing of the project: no import of its package, and rustc, cargo and "
        "Python run outside it (a rust-toolchain.toml there picks nothing); for CI on "
        "untrusted pull requests",
    )
    parser.add_argument(
        "--project",
        metavar="DIR",
        default=default(None),
        help="the project to examine (default: search upward from here)",
    )
    parser.add_argument(
        "--python",
        metavar="PATH",
        default=default(None),
        help="the interpreter to build for (default: as PyO3 and maturin pick)",
    )
    parser.add_argument(
        "--timeout",
        metavar="S",
        type=_timeout,
        default=default(10.0),
        help="deadline per check in seconds (default: 10)",
    )
    parser.add_argument(
        "--strict", action="store_true", default=default(False), help="exit 1 on warnings too"
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default(False),
        help="show the commands run, their output and timings",
    )


class _Version(argparse.Action):
    """`--version`, computed only when asked (it hashes the knowledge files)."""

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[override]
        from pyo3_doctor.about import TOOL, tool_version
        from pyo3_doctor.kb.files import knowledge_version

        sys.stdout.write(f"{TOOL} {tool_version()} (knowledge base {knowledge_version()})\n")
        parser.exit()


def _workflow_commands(sub) -> None:  # sub: argparse's subparsers action
    """run, upgrade and report: the commands around a build rather than a check."""
    run = sub.add_parser(
        "run",
        help="run a build command; when it fails, diagnose its output (pyo3-doctor run -- CMD)",
    )
    run.add_argument("--fix", action="store_true", help="offer the fix, then run it again")
    run.add_argument("--yes", action="store_true", help="with --fix: apply without asking")
    run.set_defaults(step=None, dry_run=False, undo=False)
    _common(run, top=False)
    run.add_argument(
        "run_argv", metavar="COMMAND", nargs=argparse.REMAINDER, help="the command, after --"
    )
    upgrade = sub.add_parser("upgrade", help="plan a PyO3 upgrade for this crate")
    target = upgrade.add_mutually_exclusive_group()
    target.add_argument("--to", metavar="VERSION", help="the PyO3 release (default: newest)")
    target.add_argument("--for-python", metavar="X.Y", help="the release that supports X.Y")
    upgrade.add_argument("--apply", action="store_true", help="make the automatic edits")
    upgrade.add_argument("--yes", action="store_true", help="with --apply: without asking")
    _common(upgrade, top=False)
    report = sub.add_parser("report", help="an issue-ready, redacted Markdown bundle")
    report.add_argument("log", nargs="?", help="the failing build log to include (its tail)")
    report.add_argument(
        "--build",
        action="store_true",
        help="also run PYO3_PRINT_CONFIG=1 cargo check (runs the project's build scripts)",
    )
    report.add_argument("-o", "--output", metavar="FILE", help="write it here, not to stdout")
    _common(report, top=False)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=TOOL,
        description="Finds what stops a PyO3/maturin extension from building or importing.",
        epilog="Exit codes: 0 no failing finding, 1 failing finding (or warning with --strict), "
        "2 usage or input error, 3 internal error, 130 interrupted.",
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="print the tool and knowledge-base versions"
    )
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser("check", help="run every check and print the report (the default)")
    _common(check, top=False)
    diagnose = sub.add_parser("diagnose", help="find the cause of an error text or build log")
    diagnose.add_argument("file", nargs="?", default="-", help="the log (default or -: stdin)")
    diagnose.add_argument(
        "--no-probes", action="store_true", help="read the log only; do not examine this machine"
    )
    _common(diagnose, top=False)
    _workflow_commands(sub)
    knowledge = sub.add_parser("knowledge", help="list the knowledge base, or show one entry")
    knowledge.add_argument("id", nargs="?", help="an entry id, e.g. linker-missing")
    _common(knowledge, top=False)
    fix = sub.add_parser("fix", help="apply the fix of a finding, then re-check")
    fix.add_argument(
        "id",
        nargs="?",
        help="the finding id, e.g. module-name-mismatch (none: each finding with a fix in turn)",
    )
    fix.add_argument("--yes", action="store_true", help="apply without asking")
    fix.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
    fix.add_argument("--undo", action="store_true", help="restore the file the last fix edited")
    fix.add_argument("--step", type=int, metavar="N", help="apply the N-th fix step")
    _common(fix, top=False)
    return parser


def _context(
    args: argparse.Namespace, probes: bool = True, no_exec: bool = False
):  # -> Context (imported lazily)
    no_exec = no_exec or getattr(args, "no_exec", False)
    if args.project and not os.path.isdir(args.project):
        raise UsageError(f"--project {args.project}: no such directory")
    if probes and not no_exec:  # early tools run in the project
        from pyo3_doctor.machine.prefetch import start_interpreter

        # Before the context and the model are even imported: it is the slowest tool.
        start_interpreter(args.python, os.environ, os.getcwd())
    from pyo3_doctor.context import Context

    return Context.from_process(
        timeout=args.timeout,
        python=args.python,
        project_dir=args.project,
        no_exec=no_exec,
    )


def cmd_check(args: argparse.Namespace) -> int:
    from pyo3_doctor.machine.prefetch import prefetch

    ctx = _context(args)
    prefetch(ctx)  # the tools run while the rest is imported
    from pyo3_doctor.engine import check
    from pyo3_doctor.exits import exit_code_for

    report = check(ctx)
    render.write(args.format, report, render.Options(verbose=args.verbose, strict=args.strict))
    return exit_code_for(report, args.strict)


def cmd_knowledge(args: argparse.Namespace) -> int:
    if args.format not in ("text", "json"):  # refused rather than ignored
        raise UsageError(f"knowledge prints text or json, not {args.format}")
    from pyo3_doctor.engine import knowledge_base
    from pyo3_doctor.render.knowledge import render_entry, render_list

    entries = knowledge_base()
    if args.id is None:
        render_list(entries, as_json=args.json)
        return ExitCode.OK
    if args.id not in entries:
        raise UsageError(f"no knowledge entry {args.id!r} (pyo3-doctor knowledge lists them)")
    render_entry(entries[args.id], as_json=args.json)
    return ExitCode.OK


def cmd_fix(args: argparse.Namespace) -> int:
    if args.format != "text":  # refused rather than ignored: a script must not parse prose
        raise UsageError(
            f"fix prints its plan for a person, not as {args.format}; "
            "every finding's fixes are in the JSON report of `pyo3-doctor --json`"
        )
    from pyo3_doctor.cli.fix import run_fix

    return run_fix(args, _context(args, probes=False), UsageError)


def cmd_diagnose(args: argparse.Namespace) -> int:
    # a log is diagnosed without running any of the project's code: the checks beside it
    # run as under --no-exec (no import of its package, tools outside it, no .venv of it)
    ctx = _context(args, probes=not args.no_probes, no_exec=True)
    if not args.no_probes:
        from pyo3_doctor.machine.prefetch import prefetch

        prefetch(ctx)  # the probes' tools run while the rest is imported and the log is read
    from pyo3_doctor.diagnosis.diagnose import diagnose
    from pyo3_doctor.diagnosis.logopen import NoWriter, open_log
    from pyo3_doctor.diagnosis.matcher import BinaryInput
    from pyo3_doctor.exits import exit_code_for

    if args.file == "-" and sys.stdin is None:
        raise UsageError("standard input is closed; give the log as a file")
    try:
        stream = sys.stdin.buffer if args.file == "-" else open_log(args.file, args.timeout)
    except OSError as exc:
        raise UsageError(f"{args.file}: {exc.strerror or exc}") from None
    except NoWriter as exc:
        raise UsageError(str(exc)) from None
    if args.file == "-" and sys.stdin.isatty():
        sys.stderr.write("reading the log from the terminal; end it with Ctrl-D\n")
    try:
        with stream:
            result = diagnose(stream, ctx, with_probes=not args.no_probes)
    except BinaryInput as exc:
        raise UsageError(f"{args.file}: {exc}") from None
    except OSError as exc:  # e.g. a directory, or a read error midway
        raise UsageError(f"{args.file}: {exc.strerror or exc}") from None
    options = render.Options(
        kind="diagnose",
        verbose=args.verbose,
        strict=args.strict,
        log_file=None if args.file == "-" else args.file,
        error_lines=result.scan.error_lines,
    )
    render.write(args.format, result.report, options)
    return exit_code_for(result.report, args.strict)


def cmd_upgrade(args: argparse.Namespace) -> int:
    from pyo3_doctor.cli.upgrade import run_upgrade

    if args.format not in ("text", "json"):
        raise UsageError(f"upgrade prints text or json, not {args.format}")
    return run_upgrade(args, _context(args, probes=False), UsageError)


def cmd_report(args: argparse.Namespace) -> int:
    from pyo3_doctor.cli.report import run_report

    if args.format != "text":
        raise UsageError(f"report writes Markdown, not {args.format}")
    return run_report(args, _context(args), UsageError)


def cmd_run(args: argparse.Namespace) -> int:
    from pyo3_doctor.cli.run import run_command

    return run_command(args, _context(args, probes=False), UsageError)


COMMANDS = {
    "run": cmd_run,
    "report": cmd_report,
    "upgrade": cmd_upgrade,
    "check": cmd_check,
    "knowledge": cmd_knowledge,
    "fix": cmd_fix,
    "diagnose": cmd_diagnose,
}


def _interactive(args: argparse.Namespace) -> bool:
    # --redact means a report to paste somewhere: the plain report, which the redaction covers
    plain = args.format == "text" and not args.redact
    # Textual draws on stderr's terminal, and a dumb terminal cannot show it: the plain
    # report then, as for a pipe
    drawable = os.environ.get("TERM", "") != "dumb" and _terminal(sys.stderr)
    return (
        args.command is None
        and plain
        and drawable
        and _terminal(sys.stdin)
        and _terminal(sys.stdout)
    )


def _terminal(stream: object) -> bool:
    """A stream that is a terminal; a closed one (`<&-`: sys.stdin is None) is not."""
    return stream is not None and stream.isatty()  # type: ignore[attr-defined]


def _redact_output() -> None:
    from pyo3_doctor.render.redact import RedactingStream, Redactor

    redactor = Redactor.for_this_machine()
    sys.stdout = RedactingStream(sys.stdout, redactor)  # type: ignore[assignment]
    sys.stderr = RedactingStream(sys.stderr, redactor)  # type: ignore[assignment]


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.json = args.format == "json"
    if args.redact:
        _redact_output()
    if _interactive(args):
        # Imported here only: --json, check and diagnose must never load Textual.
        from pyo3_doctor.tui import run as run_tui

        return run_tui(_context(args))
    return COMMANDS[args.command or "check"](args)


def _streams() -> str:
    """Standard streams that can take any text: a character the output's encoding lacks is
    written as an escape instead of ending the run (an ASCII locale, PYTHONIOENCODING). A
    closed stderr (`2>&-`) becomes /dev/null; a closed stdout is said, as the reason."""
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the whole run
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")
    return "" if sys.stdout is not None else "standard output is closed: nowhere to write to"


# write errors of the report itself: the output is unusable, not pyo3-doctor broken
_WRITE_ERRNOS = {errno.ENOSPC, errno.EBADF, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", -1)}


def _internal(exc: BaseException) -> int:
    try:
        where = f"; details in {crash_log(exc)}"
    except Exception:
        where = ""
    error_line(f"internal error: {type(exc).__name__}: {exc}{where}")
    return ExitCode.INTERNAL


def main(argv: list[str] | None = None) -> int:
    quiet_threads()
    closed = _streams()
    if closed:
        error_line(closed)
        return ExitCode.USAGE
    try:
        code = int(run(argv))
        # a closed pipe shows up here, inside the handlers below, not at interpreter exit
        sys.stdout.flush()
        return code
    except UsageError as exc:
        error_line(str(exc))
        return ExitCode.USAGE
    except KeyboardInterrupt as exc:  # Ctrl-C, and SIGTERM/SIGHUP (launch.Terminated)
        from pyo3_doctor.system.proc import kill_all

        kill_all()
        return interrupted(exc)
    except BrokenPipeError:
        # nothing more to say, and nobody to say it to
        silence_stdout()
        return ExitCode.OK
    except OSError as exc:
        if exc.errno not in _WRITE_ERRNOS:
            return _internal(exc)
        silence_stdout()
        error_line(f"cannot write the output: {exc.strerror or exc}")
        return ExitCode.USAGE
    except Exception as exc:
        return _internal(exc)
    finally:
        from pyo3_doctor.system.proc import kill_all

        kill_all()
        for stream in (sys.stdout, sys.stderr):  # --redact holds back an unfinished line
            try:
                if stream is not None:
                    stream.flush()
            except BrokenPipeError:
                silence_stdout()
            except (OSError, ValueError):
                pass
