"""The release radar on staged projects, on dates around CPython releases on the calendar.

The date a check judges by is set the way a reproducible report sets it (SOURCE_DATE_EPOCH),
never by patching the probe.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from support import clean_env
from test_project_checks import project

from pyo3_doctor.context import Context, detect_platform
from pyo3_doctor.kb.versions import policy
from pyo3_doctor.model import Status
from pyo3_doctor.probes import release_radar


def at(root: Path, day: str) -> Context:
    moment = datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.timezone.utc)
    env = clean_env(SOURCE_DATE_EPOCH=str(int(moment.timestamp())))
    return Context(env=env, cwd=root, platform=detect_platform(), project_dir=root)


def test_a_pyo3_that_will_not_build_the_next_cpython_warns_from_its_first_beta(tmp_path):
    root = project(tmp_path, '"0.27"')  # newest: 3.14
    before = release_radar.probe(at(root, "2026-03-01"))
    assert before.status is Status.OK and "will not build with PyO3 0.27" in before.summary
    during = release_radar.probe(at(root, "2026-06-01"))  # 3.15.0b1 was 2026-05-07
    assert [d.id for d in during.detected] == ["python-next-unsupported"]
    assert during.facts["next_python"] == "3.15"
    assert during.facts["next_python_pyo3"] == policy().first_supporting("CPython", (3, 15)).series


def test_a_pyo3_that_builds_it_and_a_requires_python_that_does_not_claim_it(tmp_path):
    fits = release_radar.probe(at(project(tmp_path / "a", '"0.29"'), "2026-06-01"))
    assert fits.status is Status.OK and "builds with PyO3 0.29" in fits.summary
    bounded = project(tmp_path / "b", '"0.27"', py_extra='requires-python = ">=3.9,<3.15"\n')
    quiet = release_radar.probe(at(bounded, "2026-06-01"))
    assert quiet.status is Status.OK and "does not claim it" in quiet.summary


def test_past_the_last_release_on_the_calendar_it_says_so(tmp_path):
    last = policy().cpython_releases[-1]
    result = release_radar.probe(
        at(project(tmp_path, '"0.29"'), f"{int(last.final[:4]) + 1}-01-01")
    )
    assert result.status is Status.SKIP and "calendar" in result.summary
