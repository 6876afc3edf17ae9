"""Turning a FixStep into something that happens, safely.

`plan()` shows what would happen (the argv, or a unified diff of a TOML edit) and changes
nothing; `apply()` does it. TOML edits go through tomlkit so every comment, blank line and
quote style outside the edited key survives; they are refused when the file changed since
the plan or does not parse, written atomically (temp file in the same folder, fsync,
os.replace) and backed up first under the user state dir, so `undo()` can restore them.
Commands run from an argv list without a shell. Environment and text steps are never applied.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import shlex
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from doctor.context import Context
from doctor.model import Applicability, FixStep
from doctor.proc import stream_tool
from doctor.project import project
from doctor.render.fixes import fix_line


class FixError(Exception):
    """The fix cannot be planned or applied; the message says why in one line."""


@dataclass(frozen=True)
class Plan:
    step: FixStep
    kind: str  # "argv" | "edit" | "env" | "text"
    preview: str  # the shell-quoted argv, a unified diff, the env line or the text
    runnable: bool  # False for manual, env and text steps and unfilled placeholders
    path: Path | None = None  # the file an edit changes
    before_sha: str = ""  # the file as planned; apply refuses if it changed since
    after_text: str = ""


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str
    exit_code: int | None = None
    backup: str | None = None


def _state_dir() -> Path:
    from platformdirs import user_state_dir

    return Path(user_state_dir("pyo3-doctor", appauthor=False))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def edited_text(original: str, key: str, value: str) -> str:
    """The file with dotted `key` set to `value`, everything else byte for byte."""
    import tomlkit

    doc = tomlkit.parse(original)
    parts = key.split(".")
    table = doc
    for part in parts[:-1]:
        if part not in table:
            table[part] = tomlkit.table()
        table = table[part]
        if not isinstance(table, dict):
            raise FixError(f"{'.'.join(parts[:-1])} is not a table")
    table[parts[-1]] = _toml_value(value)
    return tomlkit.dumps(doc)


def _plan_edit(step: FixStep, ctx: Context) -> Plan:
    assert step.edit is not None
    path = edit_target(step.edit["file"], ctx)
    try:
        raw = path.read_bytes()
        original = raw.decode("utf-8")
    except OSError as exc:
        raise FixError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise FixError(f"{path} is not UTF-8; not editing it") from None
    try:
        after = edited_text(original, step.edit["key"], step.edit["value"])
    except FixError:
        raise
    except Exception as exc:
        raise FixError(f"{path} does not parse ({exc}); not editing it") from None
    diff = "".join(
        difflib.unified_diff(
            original.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{path.name}",
            tofile=f"b/{path.name}",
        )
    )
    runnable = step.applicability is Applicability.CONFIRM and not step.missing
    return Plan(
        step, "edit", diff or "(no change)", runnable and bool(diff), path, _sha(raw), after
    )


def plan(step: FixStep, ctx: Context) -> Plan:
    """What applying `step` would do. Changes nothing."""
    if step.edit:
        return _plan_edit(step, ctx)
    runnable = step.applicability is Applicability.CONFIRM and not step.missing
    if step.argv:
        return Plan(step, "argv", shlex.join(step.argv), runnable)
    kind = "env" if step.env else "text"
    return Plan(step, kind, fix_line(step, ctx.env.get("SHELL", "")), False)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves the old or the new file, never half."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _backup(path: Path, raw: bytes) -> Path:
    folder = _state_dir() / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    backup = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{path.name}"
    backup.write_bytes(raw)
    return backup


def _apply_edit(p: Plan) -> Outcome:
    assert p.path is not None
    try:
        raw = p.path.read_bytes()
    except OSError as exc:
        return Outcome(False, f"cannot read {p.path}: {exc.strerror or exc}")
    if _sha(raw) != p.before_sha:
        return Outcome(False, f"{p.path} changed since the preview; nothing was written")
    if not os.access(p.path, os.W_OK):
        return Outcome(False, f"{p.path} is not writable; nothing was written")
    backup = _backup(p.path, raw)
    try:
        write_atomic(p.path, p.after_text.encode("utf-8"))
    except OSError as exc:
        return Outcome(
            False, f"could not write {p.path}: {exc.strerror or exc}", backup=str(backup)
        )
    record = {
        "file": str(p.path),
        "backup": str(backup),
        "after_sha": _sha(p.after_text.encode("utf-8")),
    }
    (_state_dir() / "last-fix.json").write_text(json.dumps(record), encoding="utf-8")
    return Outcome(True, f"edited {p.path} (backup: {backup})", backup=str(backup))


def apply(p: Plan, ctx: Context, on_output: Callable[[str], None] | None = None) -> Outcome:
    """Carry out a plan the user confirmed. Blocking: run it off the UI thread."""
    if not p.runnable:
        return Outcome(False, "this step is for you to carry out; nothing was run")
    if p.kind == "edit":
        return _apply_edit(p)
    cwd = project(ctx).root or ctx.cwd
    ran = stream_tool(p.step.argv, ctx.env, on_output or (lambda _chunk: None), cwd=str(cwd))
    if ran.exit_code is None:
        return Outcome(False, ran.note or "the command did not run")
    ok = ran.exit_code == 0
    return Outcome(ok, f"`{p.preview}` exited {ran.exit_code}", exit_code=ran.exit_code)


def undo() -> Outcome:
    """Restore the file the last edit changed, if nobody changed it since."""
    record_path = _state_dir() / "last-fix.json"
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        path, backup = Path(record["file"]), Path(record["backup"])
        current = path.read_bytes()
        saved = backup.read_bytes()
    except (OSError, ValueError, KeyError):
        return Outcome(False, "there is no edit to undo")
    if _sha(current) != record["after_sha"]:
        return Outcome(False, f"{path} changed since the fix; restore {backup} by hand")
    write_atomic(path, saved)
    record_path.unlink()
    return Outcome(True, f"restored {path} from {backup}", backup=str(backup))
