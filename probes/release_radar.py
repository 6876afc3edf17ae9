"""Will the next CPython build with this project's PyO3? Said before it ships, from the calendar.

Every October a CPython comes out that the PyO3 of many projects refuses ("newer than PyO3's
maximum supported version"). The calendar in knowledge/versions.toml says when the next one
is due and each PyO3 series' newest Python says whether this project's PyO3 builds it. From
the next release's first beta (its ABI frozen, wheels for it wanted) a PyO3 that cannot
build it is a warning; before that the check only says what is coming. A requires-python
that stops below the next release means the project does not claim it: nothing to say.
The date is today's, or SOURCE_DATE_EPOCH's where set, so that a report can be reproduced.
"""

from __future__ import annotations

import datetime

from pyo3_doctor.context import Context
from pyo3_doctor.kb.version_spec import VersionSpec
from pyo3_doctor.kb.versions import policy
from pyo3_doctor.model import ProbeResult, judged, skipped, warn
from pyo3_doctor.project.loader import project, skip_reason, table

ID = "release_radar"
ORDER = 105  # where reports list it
TITLE = "Next CPython"
FACTS = ("next_python", "next_python_beta", "next_python_final", "next_python_pyo3")


def today(env) -> str:
    epoch = env.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        moment = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
        return moment.date().isoformat()
    return datetime.date.today().isoformat()


def probe(ctx: Context) -> ProbeResult:
    proj = project(ctx)
    reason = skip_reason(proj)
    if reason or proj.pyo3_version is None:
        return skipped(ID, reason or "no PyO3 version to judge")
    now = today(ctx.env)
    upcoming = policy().next_cpython(now)
    row = policy().for_pyo3(proj.pyo3_version)
    if upcoming is None or row is None:
        as_of = policy().calendar_as_of
        return skipped(ID, f"no CPython release after {now} on the calendar (as of {as_of})")
    name = f"{upcoming.version[0]}.{upcoming.version[1]}"
    builds_it = policy().first_supporting("CPython", upcoming.version)
    facts = {
        "next_python": name,
        "next_python_beta": upcoming.beta1,
        "next_python_final": upcoming.final,
        "next_python_pyo3": builds_it.series if builds_it else None,
    }
    due = f"CPython {name} (beta {upcoming.beta1}, final {upcoming.final}, {upcoming.schedule})"
    requires = table(proj.pyproject, "project").get("requires-python")
    try:
        claimed = not isinstance(requires, str) or VersionSpec(requires).contains(f"{name}.0")
    except ValueError:  # an unparsable requires-python is the compat check's to report
        claimed = True
    newest = row.cpython[1]
    if newest >= upcoming.version:
        return judged(ID, f"{due} builds with PyO3 {row.series}", facts)
    if row.experimental and (newest[0], newest[1] + 1) == upcoming.version:
        # PyO3 0.28+ builds one version past its newest, with a warning: it works, for now
        said = f"{due} builds with PyO3 {row.series}, with its 'experimental' warning"
        return judged(ID, said, facts)
    if not claimed:
        return judged(ID, f"{due}: requires-python {requires} does not claim it", facts)
    which = f"PyO3 {builds_it.series} builds it" if builds_it else "no PyO3 release builds it yet"
    summary = f"{due} will not build with PyO3 {row.series} (newest: 3.{newest[1]}); {which}"
    if now < upcoming.beta1:
        return judged(ID, summary, facts)  # said, not yet a warning: the beta is months away
    return judged(ID, summary, facts, (), [warn("python-next-unsupported")])
