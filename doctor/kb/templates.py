"""Filling an entry's text and fix steps in with what is known, and saying what is not.

Values come from the finding's own details (regex groups, log facts, probe details) and from
the probes' facts. A placeholder that nothing fills never reaches a user as `{name}`: the step
takes the default knowledge/placeholders.toml gives that name ("python3" for the Python you
build for), or, where no value is safe to guess, the words it gives ("the folder holding
libpython"); either way the step turns manual and says what is unknown and how to find it.
In `why`, a sentence that needs an unknown value is left out.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from pyo3_doctor.kb.entries import GUARD_FACTS, PLACEHOLDER, Entry, FixTemplate
from pyo3_doctor.kb.version_spec import version_or_none
from pyo3_doctor.model import Applicability, FixStep

PLACEHOLDER_KEYS = {"label", "find", "default"}


@dataclass(frozen=True)
class Unknown:
    """What to say of a fact no probe or log line gave: in words, how to find it, a default."""

    label: str  # "the Python you build for"
    find: str = ""  # a command or a place that tells it
    default: str = ""  # a value that is right on most machines, shown as an assumption

    def note(self) -> str:
        said = f"not known here: {self.label}"
        if self.default:
            said += f", assumed {self.default}"
        return said + (f"; {self.find}" if self.find else "")


@lru_cache(maxsize=1)
def unknowns() -> dict[str, Unknown]:
    """knowledge/placeholders.toml: what each placeholder means when nothing fills it."""
    from pyo3_doctor.kb.entries import KnowledgeError
    from pyo3_doctor.kb.files import parsed

    found = {}
    for name, raw in parsed().get("placeholders.toml", {}).items():
        if not isinstance(raw, dict) or set(raw) - PLACEHOLDER_KEYS or "label" not in raw:
            raise KnowledgeError(f"placeholders.toml [{name}]: label, and optionally find, default")
        found[name] = Unknown(
            str(raw["label"]), str(raw.get("find", "")), str(raw.get("default", ""))
        )
    return found


def fix_applies(template: FixTemplate, values: Mapping[str, Any]) -> bool:
    """False when a required fact is unknown, a fallback's facts are known, or a guarded
    version is known and outside."""
    if any(values.get(name) in (None, "") for name in template.requires):
        return False
    if template.when_unknown and all(
        values.get(name) not in (None, "") for name in template.when_unknown
    ):
        return False
    for tool, spec in template.guards.items():
        known = values.get(GUARD_FACTS[tool])
        if not known:
            continue
        version = version_or_none(str(known))
        if version is None:
            continue
        if not spec.contains(version, prereleases=True):
            return False
    return True


def fill(template: str, values: Mapping[str, Any], missing: set[str]) -> str:
    """`template` with every placeholder filled; an unknown one takes its default or its
    words (kb.templates.unknowns) and is added to `missing`."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name)
        if value is None or value == "":
            missing.add(name)
            unknown = unknowns().get(name)
            if unknown is None:
                return name.replace("_", " ")
            return unknown.default or f"<{unknown.label}>"
        return str(value)

    return PLACEHOLDER.sub(one, template)


def describe(template: str) -> str:
    """A template as a reader of the knowledge base sees it, with no machine to fill it:
    each placeholder in words (`{abi3_feature}` reads "<the abi3-pyXY feature>")."""

    def one(match: re.Match[str]) -> str:
        unknown = unknowns().get(match.group(1))
        return f"<{unknown.label}>" if unknown else f"<{match.group(1).replace('_', ' ')}>"

    return PLACEHOLDER.sub(one, template)


def render_fix(template: FixTemplate, values: Mapping[str, Any], is_root: bool) -> FixStep:
    """A concrete FixStep: placeholders filled per argv element (never re-split)."""
    missing: set[str] = set()
    argv = []
    for part in template.argv:
        if part == "{sudo}":
            if not is_root:
                argv.append("sudo")
            continue
        argv.append(fill(part, values, missing))

    def each(table: Mapping[str, str] | None) -> dict[str, str] | None:
        return {k: fill(v, values, missing) for k, v in table.items()} if table else None

    env = None
    if template.env:
        env = {fill(k, values, missing): fill(v, values, missing) for k, v in template.env.items()}
    step = FixStep(
        summary=fill(template.summary, values, missing),
        argv=tuple(argv),
        edit=each(template.edit),
        patch=each(template.patch),
        env=env,
        unset=tuple(fill(name, values, missing) for name in template.unset),
        text=fill(template.text, values, missing),
        applicability=template.applicability,
        platform=template.platform,
        alternative=template.alternative,
    )
    if missing:
        table = unknowns()
        notes = tuple(
            table[name].note() if name in table else f"not known here: {name.replace('_', ' ')}"
            for name in sorted(missing)
        )
        step = replace(
            step, applicability=Applicability.MANUAL, missing=tuple(sorted(missing)), unknown=notes
        )
    return step


def fill_why(entry: Entry, values: Mapping[str, Any], from_machine: Collection[str] = ()) -> str:
    """The entry's explanation; a sentence whose placeholder is unknown here is left out.

    When the values mix what a log said with what this machine says (`from_machine` names
    the latter), the machine's are marked as such where they first appear, so a reader can
    tell them apart; a mark never goes inside a `code span`, whose text must stay as written."""
    used = set(PLACEHOLDER.findall(entry.why))
    known = {n for n in used if values.get(n) not in (None, "")}
    mixed = bool(known & set(from_machine)) and bool(known - set(from_machine))
    to_mark = set(known & set(from_machine)) if mixed else set()
    kept = []
    for sentence in re.split(r"(?<=[.!?])\s+", entry.why):
        names = PLACEHOLDER.findall(sentence)
        if all(values.get(n) not in (None, "") for n in names):
            kept.append(_filled_marking(sentence, values, to_mark))
    return " ".join(kept)


def _filled_marking(sentence: str, values: Mapping[str, Any], to_mark: set[str]) -> str:
    """`sentence` filled in; the values of names in `to_mark` (taken out as they are used)
    are named once at its end, "(on this machine: 0.29.3, 3.8)", so that no mark lands inside
    a value, a code span or a quoted error."""
    marked: list[str] = []

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        text = str(values[name])
        if name in to_mark:
            to_mark.discard(name)
            marked.append(text)
        return text

    filled = PLACEHOLDER.sub(value, sentence)
    if not marked:
        return filled
    body, end = (filled[:-1], filled[-1]) if filled[-1:] in ".!?" else (filled, "")
    return f"{body} (on this machine: {', '.join(dict.fromkeys(marked))}){end}"
