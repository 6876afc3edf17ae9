"""Writing a user's file without ever losing it: checks, backup, atomic replace, undo.

Every edit a fix makes goes through `replace_checked`: the file must still be exactly what was
previewed (same sha256), be writable, and the original is copied under the user state dir
before a temp file in the same folder is fsynced and renamed over it. The last fix is recorded
so `undo()` can put the original back, but only if nobody touched the file since.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyo3_doctor.about import user_dir
from pyo3_doctor.system.files import read_bytes_bounded, write_atomic

RECORD = "last-fix.json"


@dataclass(frozen=True)
class Written:
    """Whether an atomic write happened, what to tell the user, and the backup's path."""

    ok: bool
    message: str
    backup: str | None = None


def state_dir() -> Path:
    return user_dir("state")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def not_writable(path: Path, st: os.stat_result) -> bool:
    """True when the user or the file says no, including read-only mode bits as root.

    root may replace any file by renaming over it, so access() alone would let a fix overwrite
    a file its owner made read-only; a file with no write bit at all is taken as a refusal.
    """
    return not os.access(path, os.W_OK) or not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | 0o002)


def backup(path: Path, raw: bytes) -> Path:
    folder = state_dir() / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    fd, name = tempfile.mkstemp(dir=folder, prefix=f"{stamp}-", suffix=f"-{path.name}")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:  # a full disk: no empty backup left to be taken for a real one
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def _read_record() -> dict[str, Any] | None:
    try:
        record = json.loads((state_dir() / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _write_record(record: dict[str, Any]) -> None:
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / RECORD, json.dumps(record).encode("utf-8"))


def replace_checked(path: Path, before_sha: str, data: bytes) -> Written:
    """Write `data` to `path` if it is still the file that was previewed (`before_sha`)."""
    raw = read_bytes_bounded(path, 64 << 20)
    try:
        st = path.stat()
    except OSError as exc:
        return Written(False, f"cannot read {path}: {exc.strerror or exc}")
    if raw is None:
        return Written(False, f"{path} is no longer a regular file; nothing was written")
    if sha(raw) != before_sha:
        return Written(False, f"{path} changed since the preview; nothing was written")
    if not_writable(path, st):
        return Written(False, f"{path} is read-only; nothing was written")
    try:
        saved = backup(path, raw)
    except OSError as exc:  # no edit without a way back
        reason = exc.strerror or str(exc)
        return Written(False, f"could not save a backup of {path}: {reason}; nothing was written")
    try:
        write_atomic(path, data)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return Written(False, f"could not write {path}: {reason}; it is unchanged", str(saved))
    record = {"kind": "edit", "file": str(path), "backup": str(saved), "after_sha": sha(data)}
    try:
        _write_record(record)
    except OSError:  # the edit is done; only `fix --undo` will not know about it
        return Written(True, f"edited {path} (backup: {saved}; restore it by hand)", str(saved))
    return Written(True, f"edited {path} (backup: {saved})", str(saved))


def record_command(command: str) -> None:
    """Remember that the last fix ran a command, which `undo()` cannot take back."""
    previous = _read_record()
    if previous and previous.get("kind") == "command":
        previous = previous.get("previous")
    with contextlib.suppress(OSError):
        _write_record({"kind": "command", "command": command, "previous": previous})


def _inside(path: Path, root: Path) -> bool:
    try:
        return os.path.realpath(path).startswith(os.path.realpath(root).rstrip(os.sep) + os.sep)
    except (OSError, ValueError):
        return False


def undo(within: Path | None = None) -> Written:
    """Restore the file the last fix edited, if the last fix was an edit nobody changed since,
    and (given `within`, the project asked for) if that file is in that project."""
    record = _read_record()
    if record is None:
        return Written(False, "there is no fix to undo")
    edited = record.get("file")
    if within is not None and isinstance(edited, str) and not _inside(Path(edited), within):
        return Written(
            False,
            f"the last fix edited {edited}, which is not in {within}; nothing was restored "
            f"(undo it with --project pointing at that file's project)",
        )
    if record.get("kind") == "command":
        before = (record.get("previous") or {}).get("backup")
        hint = f"; the edit before it can be restored from {before}" if before else ""
        return Written(False, f"the last fix ran `{record.get('command')}`: not undoable{hint}")
    try:
        path, saved_at = Path(record["file"]), Path(record["backup"])
        saved = saved_at.read_bytes()
    except (OSError, KeyError, TypeError):
        return Written(False, "the backup of the last edit is gone; nothing was restored")
    current = read_bytes_bounded(path, 64 << 20)
    if current is None:
        return Written(False, f"cannot read {path} as a regular file; restore {saved_at}")
    if sha(current) != record.get("after_sha"):
        return Written(False, f"{path} changed since the fix; restore {saved_at} by hand")
    try:
        write_atomic(path, saved)
    except OSError as exc:
        return Written(False, f"could not write {path}: {exc.strerror or exc}; it is unchanged")
    with contextlib.suppress(OSError):
        (state_dir() / RECORD).unlink()
    return Written(True, f"restored {path} from {saved_at}", str(saved_at))
