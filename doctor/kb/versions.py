"""The version policy in knowledge/versions.toml, typed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from packaging.version import Version

from pyo3_doctor.kb.files import parsed

PyVersion = tuple[int, int]


def _pv(text: str) -> PyVersion:
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


def _range(pair: list) -> tuple[PyVersion, PyVersion] | None:
    return (_pv(pair[0]), _pv(pair[1])) if pair else None


@dataclass(frozen=True)
class PyO3Support:
    """What one PyO3 release series supports: Rust, Python versions, abi3, free-threading."""

    series: str  # "0.27"
    msrv: Version
    cpython: tuple[PyVersion, PyVersion]
    max_checked_from: str
    experimental: bool
    pypy: tuple[PyVersion, PyVersion] | None
    graalpy: tuple[PyVersion, PyVersion] | None
    abi3: tuple[PyVersion, PyVersion]
    free_threaded: PyVersion | None
    forward_env: str
    changes: str = ""  # what moving here from the series before changes in user code
    # what a #[pymodule] that says nothing of gil_used declares: True, it needs the GIL
    gil_used_default: bool = True


@dataclass(frozen=True)
class CPythonRelease:
    """One CPython feature release on the calendar: its first beta and its final release,
    each a date ("2026-05-07") or a month ("2027-05") where only the month is planned."""

    version: PyVersion
    beta1: str
    final: str
    schedule: str  # the PEP (or rule) the dates come from


@dataclass(frozen=True)
class Policy:
    """The version policy (knowledge/versions.toml): PyO3 series and maturin milestones."""

    pyo3: tuple[PyO3Support, ...]  # oldest first
    maturin_extension_module_env_since: Version
    maturin_project_version_required_since: Version
    maturin_recommended_requires: str
    maturin_releases_below: Version  # no maturin release known at or above it
    pyo3_extension_module_env_since: Version
    maturin_false_extension_warning_fixed: Version
    cpython_releases: tuple[CPythonRelease, ...] = ()  # oldest first
    calendar_as_of: str = ""

    def next_cpython(self, today: str) -> CPythonRelease | None:
        """The first CPython release on the calendar whose final release is after `today`
        (an ISO date; a month-only date counts as its first day)."""
        return next((r for r in self.cpython_releases if r.final > today[: len(r.final)]), None)

    @property
    def newest(self) -> PyO3Support:
        return self.pyo3[-1]

    def for_pyo3(self, version: Version) -> PyO3Support | None:
        """The support row of the release series `version` belongs to, if we know it."""
        series = f"{version.major}.{version.minor}"
        return next((row for row in self.pyo3 if row.series == series), None)

    def first_supporting(self, implementation: str, py: PyVersion) -> PyO3Support | None:
        """The oldest PyO3 series whose range includes this interpreter version."""
        return next((r for r in self.pyo3 if _supports(r, implementation, py)), None)

    def last_supporting(self, implementation: str, py: PyVersion) -> PyO3Support | None:
        """The newest PyO3 series whose range includes this interpreter version."""
        return next((r for r in reversed(self.pyo3) if _supports(r, implementation, py)), None)

    def changes_between(self, old: str, new: str) -> list[tuple[str, str]]:
        """(series, what it changes) for every series an upgrade from `old` to `new` enters;
        a downgrade leaves the same ones, newest first."""
        low, high = sorted((Version(old), Version(new)))
        crossed = [r for r in self.pyo3 if low < Version(r.series) <= high and r.changes]
        if Version(new) < Version(old):
            crossed.reverse()
        return [(r.series, r.changes) for r in crossed]


def span_of(row: PyO3Support, implementation: str) -> tuple[PyVersion, PyVersion] | None:
    """The versions of this implementation the series supports."""
    return {"CPython": row.cpython, "PyPy": row.pypy, "GraalVM": row.graalpy}.get(
        implementation, row.cpython
    )


def _supports(row: PyO3Support, implementation: str, py: PyVersion) -> bool:
    span = span_of(row, implementation)
    return bool(span and span[0] <= py <= span[1])


@lru_cache(maxsize=1)
def policy() -> Policy:
    data = parsed()["versions.toml"]
    rows = []
    for series, row in data["pyo3"].items():
        rows.append(
            PyO3Support(
                series=series,
                msrv=Version(row["msrv"]),
                cpython=_range(row["cpython"]),  # type: ignore[arg-type]
                max_checked_from=row["max_checked_from"],
                experimental=bool(row.get("experimental", False)),
                pypy=_range(row["pypy"]),
                graalpy=_range(row["graalpy"]),
                abi3=_range(row["abi3"]),  # type: ignore[arg-type]
                free_threaded=_pv(row["free_threaded"]) if row["free_threaded"] else None,
                forward_env=row["forward_env"],
                changes=row.get("changes", ""),
                gil_used_default=bool(row.get("gil_used_default", True)),
            )
        )
    calendar = data.get("cpython", {})
    releases = sorted(
        (
            CPythonRelease(_pv(name), row["beta1"], row["final"], row.get("schedule", ""))
            for name, row in calendar.items()
            if isinstance(row, dict)
        ),
        key=lambda r: r.version,
    )
    rows.sort(key=lambda r: Version(r.series))
    maturin = data["maturin"]
    return Policy(
        pyo3=tuple(rows),
        maturin_extension_module_env_since=Version(maturin["extension_module_env_since"]),
        maturin_project_version_required_since=Version(maturin["project_version_required_since"]),
        maturin_recommended_requires=maturin["recommended_requires"],
        maturin_releases_below=Version(maturin["releases_below"]),
        pyo3_extension_module_env_since=Version(data["extension_module"]["pyo3_env_since"]),
        cpython_releases=tuple(releases),
        calendar_as_of=str(calendar.get("as_of", "")),
        maturin_false_extension_warning_fixed=Version(
            data["extension_module"]["maturin_false_warning_fixed"]
        ),
    )
