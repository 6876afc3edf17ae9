"""Turning a FixStep into something that happens, safely.

`plan()` shows what would happen (the argv, or a unified diff of an edit) and changes nothing;
`apply()` does it. TOML edits go through tomlkit so every comment, blank line and quote style
outside the edited key survives; source patches replace one line that must still read exactly
as the probe saw it. Both are refused when the file changed since the plan or (TOML) does not
parse, and are written by fixing.safewrite: backup first, then an atomic replace, so `undo()`
can restore them. Commands run from an argv list without a shell. Environment (env, unset)
and text steps are never applied: they belong to the user's shell or hands.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyo3_doctor.context import Context
from pyo3_doctor.fixing import safewrite
from pyo3_doctor.fixing.shell import fix_line
from pyo3_doctor.model import FixStep
from pyo3_doctor.project.edits import unified_diff
from pyo3_doctor.project.loader import project
from pyo3_doctor.system.files import read_bytes_bounded, relative
from pyo3_doctor.system.proc import stream_tool

OnOutput = Callable[[str], None]


class FixError(Exception):
    """The fix cannot be planned or applied; the message says why in one line."""


@dataclass(frozen=True)
class Plan:
    """One fix step made concrete for this machine: what would run or change, shown first."""

    step: FixStep
    kind: str  # one of model.STEP_KINDS
    preview: str  # the shell-quoted argv, a unified diff, the env or unset line, the text
    runnable: bool  # False for manual, env, unset and text steps and unfilled placeholders
    path: Path | None = None  # the file an edit or patch changes
    before_sha: str = ""  # the file as planned; apply refuses if it changed since
    after_text: str = ""


@dataclass(frozen=True)
class Outcome:
    """What applying a plan did: whether it worked, what it said, where a backup went."""

    ok: bool
    message: str
    exit_code: int | None = None
    backup: str | None = None


def edit_target(file: str, ctx: Context) -> Path:
    proj = project(ctx)
    root = proj.root or ctx.cwd
    if file == "pyproject.toml":
        return proj.pyproject_path or root / file
    if file == "Cargo.toml" and proj.cargo_path:
        return proj.cargo_path
    return Path(file) if os.path.isabs(file) else root / file


def _toml_value(text: str):  # -> a tomlkit item
    """`text` as a TOML value when it is one ('["version"]', 'true'), else as a string."""
    import tomlkit

    try:
        doc = tomlkit.parse(f"v = {text}\n")
        if list(doc.keys()) == ["v"]:
            return doc["v"]
    except Exception:  # tomlkit raises several kinds; any means "not a TOML value"
        pass
    return tomlkit.string(text)


def _removed(doc, key: str) -> None:
    """`doc` without dotted `key` (nothing happens where there is no such key)."""
    *tables, last = key.split(".")
    table = doc
    for part in tables:
        table = table.get(part) if isinstance(table, dict) else None
    if isinstance(table, dict) and last in table:
        del table[last]


def edited_text(original: str, key: str, value: str, remove: str = "") -> str:
    """The file with dotted `key` set to `value` (and dotted `remove` deleted, when given),
    everything else byte for byte."""
    import tomlkit

    doc = tomlkit.parse(original)
    if remove:
        _removed(doc, remove)
    parts = key.split(".")
    table = doc
    for part in parts[:-1]:
        if part not in table:
            table[part] = tomlkit.table()
        table = table[part]
        if not isinstance(table, dict):
            raise FixError(f"{'.'.join(parts[:-1])} is not a table")
    table[parts[-1]] = _toml_value(value)
    after = tomlkit.dumps(doc)
    if "\r\n" in original and original.count("\n") == original.count("\r\n"):
        # tomlkit writes the lines it adds with "\n"; a CRLF file stays CRLF throughout
        after = re.sub(r"(?<!\r)\n", "\r\n", after)
    return after


def patched_text(original: str, line: int, old: str, new: str) -> str:
    """`original` with line `line` (which must read exactly `old`) replaced by `new`.

    Lines are split on "\\n" only, as the Rust scanner counts them; a CRLF line keeps its
    "\\r", and lines `new` adds get the same ending, so the rest of the file is untouched.
    """
    lines = original.split("\n")
    if not 0 < line <= len(lines):
        raise FixError(f"there is no line {line} any more")
    current = lines[line - 1]
    cr = "\r" if current.endswith("\r") else ""
    if current[: len(current) - len(cr)] != old:
        raise FixError(f"line {line} no longer reads {old.strip()!r}")
    if "\r" in new:
        raise FixError("the replacement holds a carriage return")
    lines[line - 1] = (cr + "\n").join(new.split("\n")) + cr
    return "\n".join(lines)


MAX_EDITED = 8 << 20  # a manifest or a source file; anything bigger is not what a fix edits


def _read_text(path: Path) -> tuple[bytes, str]:
    raw = read_bytes_bounded(path, MAX_EDITED + 1)
    if raw is None:
        raise FixError(f"cannot read {path} as a regular file; not editing it")
    if len(raw) > MAX_EDITED:
        raise FixError(f"{path} is larger than {MAX_EDITED >> 20} MiB; not editing it")
    try:
        return raw, raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FixError(f"{path} is not UTF-8; not editing it") from None


def _shown(path: Path, ctx: Context) -> str:
    shown = relative(path, project(ctx).root or ctx.cwd)
    return path.name if shown is None else shown.replace(os.sep, "/")


def _new_text(kind: str, spec: Mapping[str, str], path: Path, original: str) -> str:
    """The file as an edit (TOML key) or a patch (one source line) leaves it."""
    if kind == "edit":
        try:
            return edited_text(original, spec["key"], spec["value"], spec.get("remove", ""))
        except FixError:
            raise
        except Exception as exc:
            raise FixError(f"{path} does not parse ({exc}); not editing it") from None
    try:
        line = int(spec["line"])
    except ValueError:
        raise FixError(f"bad line number {spec['line']!r}") from None
    try:
        return patched_text(original, line, spec["old"], spec["new"])
    except FixError as exc:
        raise FixError(f"{path}: {exc}; run the check again") from None


def _plan_file(step: FixStep, ctx: Context) -> Plan:
    kind = step.kind
    spec = step.edit if kind == "edit" else step.patch
    assert spec is not None
    if kind == "patch" and not step.can_apply:  # unfilled placeholders: no file to check
        return Plan(step, kind, fix_line(step), False)
    path = edit_target(spec["file"], ctx)
    root = project(ctx).root or ctx.cwd
    if not _in_project(path, root):  # a `#[path = "/elsewhere"]`, a link out of the checkout
        shown = f"(not applied: {_shown(path, ctx)} is outside the project {root})"
        return Plan(step, kind, shown, False)
    raw, original = _read_text(path)
    after = _new_text(kind, spec, path, original)
    diff = unified_diff(
        _shown(path, ctx), original.splitlines(keepends=True), after.splitlines(keepends=True)
    )
    runnable = step.can_apply and bool(diff)
    return Plan(step, kind, diff or "(no change)", runnable, path, safewrite.sha(raw), after)


def _in_project(path: Path, root: Path) -> bool:
    """Whether `path`, links resolved, is a file of the project at `root`: a fix writes there
    and nowhere else."""
    try:
        real, base = os.path.realpath(path), os.path.realpath(root)
    except (OSError, ValueError):
        return False
    return real.startswith(base.rstrip(os.sep) + os.sep)


def _plan_command(step: FixStep, ctx: Context) -> Plan:
    return Plan(step, "argv", shlex.join(step.argv), step.can_apply)


def _plan_shown(step: FixStep, ctx: Context) -> Plan:
    return Plan(step, step.kind, fix_line(step, ctx.env.get("SHELL", "")), False)


def _apply_file(p: Plan, ctx: Context, on_output: OnOutput) -> Outcome:
    assert p.path is not None
    written = safewrite.replace_checked(p.path, p.before_sha, p.after_text.encode("utf-8"))
    return Outcome(written.ok, written.message, backup=written.backup)


def _apply_command(p: Plan, ctx: Context, on_output: OnOutput) -> Outcome:
    safewrite.record_command(p.preview)
    if p.step.argv[1:2] == ("-m",):
        # `python -m venv` / `-m pip` puts its working directory first on sys.path: run from
        # the project, a checkout's own venv/ or pip/ folder would run instead of Python's
        import tempfile

        with tempfile.TemporaryDirectory(prefix="pyo3-doctor-") as neutral:
            ran = stream_tool(p.step.argv, ctx.env, on_output, cwd=neutral)
    else:
        ran = stream_tool(p.step.argv, ctx.env, on_output, cwd=str(project(ctx).root or ctx.cwd))
    if ran.exit_code is None:
        return Outcome(False, ran.note or "the command did not run")
    ok = ran.exit_code == 0
    return Outcome(ok, f"`{p.preview}` exited {ran.exit_code}", exit_code=ran.exit_code)


@dataclass(frozen=True)
class Kind:
    """How one kind of fix step is previewed and carried out. `apply` is None for the kinds
    only the user carries out (an env line for their shell, prose); `undoable` says whether
    `fix --undo` can take it back."""

    plan: Callable[[FixStep, Context], Plan]
    apply: Callable[[Plan, Context, OnOutput], Outcome] | None
    undoable: bool


# Every kind of fix step, in one table (model.STEP_KINDS names them; knowledge files use them
# as the key that carries the step).
KINDS: dict[str, Kind] = {
    "argv": Kind(_plan_command, _apply_command, undoable=False),
    "edit": Kind(_plan_file, _apply_file, undoable=True),
    "patch": Kind(_plan_file, _apply_file, undoable=True),
    "env": Kind(_plan_shown, None, undoable=False),
    "unset": Kind(_plan_shown, None, undoable=False),
    "text": Kind(_plan_shown, None, undoable=False),
}


def step_to_take(steps: Sequence[FixStep], runnable: Sequence[bool] = ()) -> int | None:
    """Which of a finding's steps `fix` takes unasked: the first, the best for the facts
    here, when it can be applied; below one only the user can carry out, the first that
    fixes the finding on its own as well (`alternative`), never a step for another case.
    None: the user's own step is the one to take. `runnable` says, per step, whether its
    plan can run (default: whether the step can be applied at all)."""
    runs = list(runnable) or [s.can_apply for s in steps]
    if steps and runs[0]:
        return 0
    return next((i for i, s in enumerate(steps) if runs[i] and s.alternative), None)


def plan(step: FixStep, ctx: Context) -> Plan:
    """What applying `step` would do. Changes nothing."""
    return KINDS[step.kind].plan(step, ctx)


def apply(p: Plan, ctx: Context, on_output: OnOutput | None = None) -> Outcome:
    """Carry out a plan the user confirmed. Blocking: run it off the UI thread."""
    carry_out = KINDS[p.kind].apply
    if not p.runnable or carry_out is None:
        return Outcome(False, "this step is for you to carry out; nothing was run")
    return carry_out(p, ctx, on_output or (lambda _chunk: None))


def undo(within: Path | None = None) -> Outcome:
    """Restore the file the last fix edited, if nobody changed it since (and it is `within`)."""
    done = safewrite.undo(within)
    return Outcome(done.ok, done.message, backup=done.backup)
