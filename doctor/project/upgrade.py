"""What moving this crate to another PyO3 release touches, found in its own sources.

The releases crossed come from knowledge/versions.toml (what each changes, its MSRV and Python
range), the code that a release renames or removes from knowledge/migrations.toml, matched
line by line over the crate's sources (bounded reads; comments skipped), each with file:line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from pyo3_doctor.kb.migrations import Migration, crossed
from pyo3_doctor.kb.versions import PyO3Support, policy
from pyo3_doctor.project.loader import Project
from pyo3_doctor.project.rust.lines import matching_lines


@dataclass(frozen=True)
class Use:
    rule: Migration
    file: Path
    line: int  # 1-based
    text: str  # the line as it reads

    @property
    def renamed(self) -> str | None:
        """The line after the rule's mechanical edit, or None when it needs judgement."""
        if self.rule.rename is None:
            return None
        old, new = self.rule.rename
        return self.text.replace(old, new) if old in self.text else None


@dataclass(frozen=True)
class Plan:
    current: Version
    target: PyO3Support
    releases: tuple[tuple[str, str], ...]  # (series, what it changes)
    uses: tuple[Use, ...]
    dropped_python: str  # "" or the oldest Python the target still supports, when it moved


def target_series(to: str | None, for_python: str | None) -> PyO3Support | None:
    rules = policy()
    if to:
        wanted = Version(to)
        return rules.for_pyo3(wanted) or next(
            (r for r in reversed(rules.pyo3) if Version(r.series) <= wanted), None
        )
    if for_python:
        major, minor = (int(p) for p in for_python.split(".")[:2])
        return rules.first_supporting("CPython", (major, minor))
    return rules.newest


def _uses(proj: Project, rules: tuple[Migration, ...]) -> list[Use]:
    if proj.crate is None:
        return []
    return [Use(*hit) for hit in matching_lines(proj.crate.lib_root.parent, rules)]


def plan(proj: Project, target: PyO3Support) -> Plan | None:
    current = proj.pyo3_version
    if current is None:
        return None
    rules = crossed(current, Version(target.series))
    releases = tuple(policy().changes_between(str(current), target.series))
    old = policy().for_pyo3(current)
    dropped = ""
    if old is not None and target.cpython[0] > old.cpython[0]:
        dropped = f"{target.cpython[0][0]}.{target.cpython[0][1]}"
    return Plan(current, target, releases, tuple(_uses(proj, rules)), dropped)
