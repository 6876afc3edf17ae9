"""The `pyo3-doctor` command's first moments: start the slowest tools, then the CLI.

The target interpreter's inspect script is the longest thing a check waits for (behind a
pyenv-style shim it is a chain of shell scripts). Importing the CLI first, argparse and the
regex engine under it, would hold it back by about 15 ms. So the raw arguments are read here
to see whether the run will probe and with which `--python`; argparse stays the judge of
what they mean. A wrong guess only starts a tool nobody collects, which is killed at exit:
a probe takes a started tool only when its argv, PATH and cwd match.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = (
    False  # nothing but os and sys before the first tools start (pyo3_doctor.system.spawn)
)
if TYPE_CHECKING:
    from collections.abc import Sequence

# Options that take a value (so that it is not read as the command), and flags that do not
# change whether or how the run probes. Anything else (help, --version, --no-probes, an
# abbreviated option) answers "not sure", and the tools start at their usual time.
_VALUED = {"--format", "--project", "--python", "--timeout", "--step"}
_FLAGS = {"--json", "--redact", "--strict", "-v", "--verbose"}


def probing_run(argv: Sequence[str]) -> tuple[bool, str | None]:
    """(whether this run surely probes, its --python) from the raw arguments."""
    python, words, tokens = None, [], iter(argv)
    for token in tokens:
        name, eq, value = token.partition("=")
        if name in _VALUED:
            given = value if eq else next(tokens, None)
            python = given if name == "--python" else python
        elif token.startswith("-") and token != "-" and token not in _FLAGS:
            return False, None
        elif not token.startswith("-") or token == "-":
            words.append(token)
    # not `diagnose`: it runs nothing of the project (cli.main), so nothing starts in it
    return (words[:1] or ["check"])[0] == "check", python


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled as Ctrl-C is (every tool ended, the terminal restored),
    and the exit code says which: 128 + the signal's number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminated(signum: int, _frame: object) -> None:
    raise Terminated(signum)


def _on_signals() -> None:
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, _terminated)


def diagnosed_file(argv: Sequence[str]) -> str | None:
    """The log file a `diagnose` run names, from the raw arguments (None for stdin)."""
    words, tokens = [], iter(argv)
    for token in tokens:
        if token.partition("=")[0] in _VALUED and "=" not in token:
            next(tokens, None)
        elif token == "--":
            words += list(tokens)
        elif not token.startswith("-") or token == "-":
            words.append(token)
    return words[1] if words[:1] == ["diagnose"] and words[1:2] != ["-"] and words[1:] else None


def main(argv: list[str] | None = None) -> int:
    try:
        _on_signals()
        args = sys.argv[1:] if argv is None else argv
        probing, python = probing_run(args)
        try:
            log = diagnosed_file(args)
            if log is not None:  # grep's pass over a big log is the longest part: start it
                from pyo3_doctor.diagnosis.early import start

                start(log)
            if probing:
                from pyo3_doctor.machine.prefetch import start_early

                start_early(python, os.environ, os.getcwd())
        except KeyboardInterrupt:
            raise
        except Exception:  # a vanished cwd, say: the CLI meets it again and says so in one line
            pass
        from pyo3_doctor.cli.main import main as cli_main

        return cli_main(argv)
    except KeyboardInterrupt as exc:  # before the CLI's own handler is in place (first ms)
        from pyo3_doctor.exits import interrupted
        from pyo3_doctor.system.proc import kill_all

        kill_all()
        return interrupted(exc)


def entry() -> None:
    """The console script (and `python -m pyo3_doctor`): main(), then exit without the interpreter's
    teardown. By the time main() returns, the report is written and flushed and every tool is
    reaped (cli.main.main); unloading the modules after that costs 25M instructions (5 ms)
    that nobody sees but everybody waits for. The TUI, which has a terminal to restore, exits
    the usual way, as does anything that ends by SystemExit (--help, --version, usage errors)."""
    code = main()
    if "textual" in sys.modules:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):  # --redact's wrappers flush what they wrap
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe: cli.main has already said what it can
            pass
    os._exit(code)
