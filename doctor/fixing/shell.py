"""How a fix step reads as one line of text (shared by the text report and the TUI)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from pyo3_doctor.model import FixStep

if TYPE_CHECKING:
    from pyo3_doctor.kb.entries import FixTemplate


# A reference the step means to expand (`$PATH` in "{dir}:$PATH"); everything else in a value,
# facts from the project and the machine included, is literal in every shell.
_REFERENCE = re.compile(r"(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)")


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _parts(value: str) -> list[tuple[bool, str]]:
    """(is a reference, text) pieces: a reference as its bare name."""
    pieces = []
    for i, piece in enumerate(_REFERENCE.split(value)):
        if piece:
            pieces.append((True, piece.strip("${}")) if i % 2 else (False, piece))
    return pieces


def _posix(value: str) -> str:
    return "".join(f'"${{{t}}}"' if ref else shlex.quote(t) for ref, t in _parts(value)) or "''"


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_word(text: str) -> str:
    # fish reads backslash escapes inside single quotes, so shlex's POSIX quoting of a word
    # with a backslash (`'C:\\'`) means something else there; words shlex leaves bare stay bare
    return text if text and shlex.quote(text) == text else _fish_quote(text)


def argv_line(argv: Sequence[str], shell: str) -> str:
    """The command line that runs exactly this argv when pasted into the user's shell."""
    if _shell_name(shell) == "fish":
        return " ".join(_fish_word(a) for a in argv)
    return shlex.join(argv)


def _shell_name(shell: str) -> str:
    return shell.rsplit("/", 1)[-1].lower()


def _fish(key: str, value: str) -> str:
    pieces = _parts(value)
    if len(pieces) == 2 and pieces[1] == (True, key) and pieces[0][1].endswith(":"):
        # PATH-like: fish keeps it as a list; prepend an element instead of a joined string
        return f"set -gx {key} {_fish_quote(pieces[0][1][:-1])} ${key}"
    joined = "".join(f"${t}" if ref else _fish_quote(t) for ref, t in pieces) or "''"
    return f"set -gx {key} {joined}"


def _powershell(key: str, value: str) -> str:
    terms = [f"$env:{t}" if ref else "'" + t.replace("'", "''") + "'" for ref, t in _parts(value)]
    return f"$env:{key} = {' + '.join(terms) or chr(39) * 2}"


def env_line(env: Mapping[str, str], shell: str) -> str:
    """The line that sets these variables in the user's shell, safe to paste: every value is
    quoted for that shell, and only the references the step means (`$PATH`) expand."""
    name = _shell_name(shell)
    if name in ("pwsh", "powershell", "powershell.exe", "pwsh.exe"):
        return "; ".join(_powershell(k, v) for k, v in env.items())
    if name == "fish":
        return "; ".join(_fish(k, v) for k, v in env.items())
    return "; ".join(f"export {k}={_posix(v)}" for k, v in env.items())


def unset_line(names: Sequence[str], shell: str) -> str:
    """The line that removes these variables from the user's shell. Only names a variable can
    have are written (a POSIX shell stops at any other), each quoted all the same, so a name
    a fact filled in can never run anything."""
    names = [n for n in names if _NAME.fullmatch(n)]
    if not names:
        return ""
    name = _shell_name(shell)
    if name in ("pwsh", "powershell", "powershell.exe", "pwsh.exe"):
        quoted = ", ".join("'Env:" + n.replace("'", "''") + "'" for n in names)
        return f"Remove-Item -ErrorAction SilentlyContinue {quoted}"
    if name == "fish":
        return "; ".join(f"set -e {_fish_quote(n)}" for n in names)
    return "unset " + " ".join(shlex.quote(n) for n in names)


def fix_line(step: FixStep, shell: str = "") -> str:
    if step.argv:
        return argv_line(step.argv, shell)
    if step.env:
        return env_line(step.env, shell)
    if step.unset:
        return unset_line(step.unset, shell)
    if step.edit:
        return edit_line(step.edit)
    if step.patch:
        # with placeholders unfilled (a pasted log, no probe) the summary says it better
        return step.summary if step.missing else patch_line(step.patch)
    return step.text


def template_line(template: FixTemplate) -> str:
    """A knowledge entry's fix step as one line, placeholders still in (knowledge listings)."""
    if template.argv:
        return " ".join(template.argv)
    if template.env:
        return env_line(template.env, "")
    if template.unset:
        return unset_line(template.unset, "")
    if template.edit:
        return edit_line(template.edit)
    if template.patch:
        return patch_line(template.patch)
    return template.text


def edit_line(edit: Mapping[str, str]) -> str:
    """A TOML edit in one line: the key it sets, and the one it removes."""
    line = f"in {edit['file']}, set {edit['key']} = {edit['value']}"
    return line + (f" and remove {edit['remove']}" if edit.get("remove") else "")


def patch_line(patch: Mapping[str, str]) -> str:
    """A source patch in one line: where, and what it changes or adds."""
    where, old, new = f"in {patch['file']}:{patch['line']}", patch["old"], patch["new"]
    if new.startswith(old + "\n"):  # lines inserted after an unchanged one
        added = " / ".join(line.strip() for line in new[len(old) + 1 :].split("\n"))
        return f"{where}, add {added} after {old.strip()}"
    changed = " / ".join(line.strip() for line in new.split("\n"))
    return f"{where}, change {old.strip()} to {changed}"
