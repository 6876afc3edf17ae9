"""How a fix step reads as one line of text (shared by the text report and the TUI)."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING

from pyo3_doctor.model import FixStep

if TYPE_CHECKING:
    from pyo3_doctor.kb.entries import FixTemplate


def env_line(env: Mapping[str, str], shell: str) -> str:
    """The line that sets these variables in the user's shell."""
    name = shell.rsplit("/", 1)[-1].lower()
    if name in ("pwsh", "powershell", "powershell.exe", "pwsh.exe"):
        return "; ".join(f'$env:{k} = "{v}"' for k, v in env.items())
    if name == "fish":
        return "; ".join(f"set -gx {k} {shlex.quote(v)}" for k, v in env.items())
    parts = []
    for key, value in env.items():
        # keep $PATH-style references expandable; quote everything else
        shown = f'"{value}"' if "$" in value else shlex.quote(value)
        parts.append(f"export {key}={shown}")
    return "; ".join(parts)


def fix_line(step: FixStep, shell: str = "") -> str:
    if step.argv:
        return shlex.join(step.argv)
    if step.env:
        return env_line(step.env, shell)
    if step.edit:
        return f"in {step.edit['file']}, set {step.edit['key']} = {step.edit['value']}"
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
    if template.edit:
        return f"in {template.edit['file']}, set {template.edit['key']} = {template.edit['value']}"
    if template.patch:
        return patch_line(template.patch)
    return template.text


def patch_line(patch: Mapping[str, str]) -> str:
    """A source patch in one line: where, and what it changes or adds."""
    where, old, new = f"in {patch['file']}:{patch['line']}", patch["old"], patch["new"]
    if new.startswith(old + "\n"):  # lines inserted after an unchanged one
        added = " / ".join(line.strip() for line in new[len(old) + 1 :].split("\n"))
        return f"{where}, add {added} after {old.strip()}"
    changed = " / ".join(line.strip() for line in new.split("\n"))
    return f"{where}, change {old.strip()} to {changed}"
