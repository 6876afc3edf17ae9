"""Which maturin the user's commands would run, and the range the project asks for.

Gathered once per run (ctx.shared) so that every probe that cares about maturin's version
agrees and `maturin --version` runs once. `maturin develop` runs the maturin on PATH; when
there is none, the one installed in the target interpreter's environment.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from packaging.version import Version

from pyo3_doctor.context import Context
from pyo3_doctor.kb.version_spec import VersionSpec, version_or_none
from pyo3_doctor.kb.versions import policy
from pyo3_doctor.machine.interpreter import interpreter
from pyo3_doctor.model import Evidence
from pyo3_doctor.project.loader import Project
from pyo3_doctor.system.proc import run_tool, which


@dataclass(frozen=True)
class Maturin:
    """The maturin a check found, what it printed, and the one in the target environment."""

    exe: str
    evidence: Evidence
    version: Version | None  # None: missing, broken, or no version printed
    env_version: str | None  # the maturin distribution in the target environment, if any

    @property
    def runs(self) -> bool:
        return self.evidence.exit_code == 0


def exe_for(ctx: Context) -> str:
    """The maturin executable to ask, without running anything (prestart uses it too)."""
    found = which("maturin", ctx.env)
    if found:
        return found
    info = interpreter(ctx).info or {}
    scripts = os.path.join(info.get("scripts") or "", "maturin")
    return scripts if info.get("maturin") and os.path.exists(scripts) else "maturin"


def _inspect(ctx: Context) -> Maturin:
    exe = exe_for(ctx)
    ran = run_tool([exe, "--version"], ctx.env, cwd=ctx.tool_cwd)  # --no-exec: not in the project
    env_version = (interpreter(ctx).info or {}).get("maturin")
    found = re.search(r"maturin (\S+)", ran.output) if ran.exit_code == 0 else None
    version = version_or_none(found.group(1)) if found else None
    return Maturin(exe, ran, version, env_version)


def maturin(ctx: Context) -> Maturin:
    return ctx.shared("maturin", _inspect)


# PEP 508, as far as a build requirement on maturin needs it: a name, optional extras, the
# version specifiers, an optional marker (ignored). packaging.requirements would do it too,
# at the cost of importing its whole marker parser on every run.
_REQUIREMENT = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*"
    r"\(?(?P<spec>[^;()]*)\)?\s*(?:;.*)?$"
)


@dataclass(frozen=True)
class MaturinRequirement:
    """The maturin requirement in [build-system] requires."""

    text: str  # as written in pyproject.toml
    specifier: VersionSpec


def admits_from(spec: VersionSpec, floor: Version) -> bool:
    """Whether the range admits some version at or above `floor` (">=99" admits 99;
    "<1.5" admits nothing at or past 1.5)."""
    tried = [floor, Version("99999"), *spec.bounds()]
    return any(v >= floor and spec.contains(v, prereleases=True) for v in tried)


def beyond_releases(spec: VersionSpec, installed: Version) -> bool:
    """A range no maturin release meets: it admits nothing below the releases the version
    policy knows (`releases_below`) or the next major of the installed maturin, whichever is
    higher (maturin has been 1.x since 2023: `>=2.0` and `>=99` ask for what pip cannot
    find). Offline: a release newer than the knowledge base shows as the installed one."""
    known = policy().maturin_releases_below
    ceiling = max(known, Version(str(installed.major + 1)))
    below = [installed, *(b for b in spec.bounds() if b < ceiling)]
    below += [Version(f"{major}.{minor}") for major in range(ceiling.major) for minor in (0, 99)]
    below += [Version(f"{ceiling.major}.{minor}") for minor in range(ceiling.minor)]
    admitted_below = any(spec.contains(v, prereleases=True) for v in below)
    return not admitted_below and admits_from(spec, ceiling)


def requirement(proj: Project) -> MaturinRequirement | None:
    """The maturin requirement in [build-system] requires, as written and parsed."""
    for text in proj.build_requires:
        found = _REQUIREMENT.match(text)
        if not found or found.group("name").lower().replace("_", "-") != "maturin":
            continue
        try:
            specifier = VersionSpec(found.group("spec").strip())
        except ValueError:  # packaging's InvalidSpecifier
            continue
        return MaturinRequirement(text.strip(), specifier)
    return None
