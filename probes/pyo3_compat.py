"""Do the abi3 feature and requires-python fit the target interpreter and each other?"""

from __future__ import annotations

import json
import re

from pyo3_doctor.context import Context
from pyo3_doctor.kb.version_spec import VersionSpec
from pyo3_doctor.kb.versions import policy, span_of
from pyo3_doctor.machine.interpreter import interpreter
from pyo3_doctor.machine.pythons import installed
from pyo3_doctor.model import Detected, ProbeResult, Severity, Status, status_of
from pyo3_doctor.project.loader import project, table

ID = "pyo3_compat"
ORDER = 100  # where reports list it
TITLE = "abi3 and requires-python"
FACTS = (
    "abi3_feature",
    "abi3_min_python",
    "abi3_problem",
    "abi3_suggested",
    "requires_python",
    "abi3_edit_file",
    "abi3_edit_key",
    "abi3_edit_value",
    "requires_fit",
    "requires_fit_version",
    "requires_fit_venv",
    "requires_fits",
)

_ABI3 = re.compile(r"^(?:pyo3/)?abi3-py3(\d+)$")


def _abi3_features(proj) -> list[str]:
    """abi3-pyXY features on pyo3, in Cargo features that enable it, or in [tool.maturin]."""
    crate = proj.crate
    found = [f for f in proj.pyo3_features if _ABI3.match(f)]
    chosen = table(proj.pyproject, "tool", "maturin").get("features", [])
    wanted = {f for f in chosen if isinstance(f, str)} if isinstance(chosen, list) else set()
    wanted |= set(crate.default_features) if crate else set()
    for name in sorted(wanted):
        if _ABI3.match(name):
            found.append(name)
        for item in crate.features.get(name, ()) if crate else ():
            if _ABI3.match(item):
                found.append(item)
    return list(dict.fromkeys(f.split("/")[-1] for f in found))


def _abi3_edit(proj, feature: str, suggested: str) -> dict:
    """The TOML edit that swaps the feature where it is written: the pyo3 dependency's
    features in Cargo.toml, or [tool.maturin] features in pyproject.toml."""
    new = f"abi3-{suggested}"
    dep = proj.cargo.get("dependencies", {}).get("pyo3")
    places = []
    if isinstance(dep, dict) and isinstance(dep.get("features"), list) and not dep.get("workspace"):
        places.append(
            (proj.cargo_path, "dependencies.pyo3.features", dep["features"], feature, new)
        )
    maturin = table(proj.pyproject, "tool", "maturin").get("features")
    if isinstance(maturin, list) and proj.pyproject_path is not None:
        places.append(
            (
                proj.pyproject_path,
                "tool.maturin.features",
                maturin,
                f"pyo3/{feature}",
                f"pyo3/{new}",
            )
        )
    for path, key, values, old, replacement in places:
        if old in values and all(isinstance(v, str) for v in values):
            fixed = [replacement if v == old else v for v in values]
            return {
                "abi3_edit_file": str(path),
                "abi3_edit_key": key,
                "abi3_edit_value": json.dumps(fixed),
            }
    return {}


def _admitted_here(ctx: Context, proj, spec: VersionSpec) -> dict:
    """The interpreters on this machine that requires-python admits and the project's PyO3
    builds for (newest first, with the GIL: what `maturin develop` in a fresh virtualenv
    would build for)."""
    support = policy().for_pyo3(proj.pyo3_version) if proj.pyo3_version else None
    span = span_of(support, "CPython") if support else None
    fits = [
        i
        for i in installed(ctx)
        if not i.free_threaded
        and spec.contains(".".join(map(str, i.version)), prereleases=True)
        and (span is None or span[0] <= i.version[:2] <= span[1])
    ]
    if not fits:
        return {}
    minor = ".".join(map(str, fits[0].version[:2]))
    return {
        "requires_fit": fits[0].path,
        "requires_fit_version": minor,
        "requires_fit_venv": str(proj.root / f".venv-{minor}"),
        "requires_fits": "; ".join(i.label() for i in fits[:6]),
    }


def probe(ctx: Context) -> ProbeResult:
    proj = project(ctx)
    if proj.root is None or proj.crate is None:
        return ProbeResult(ID, Status.SKIP, "no Rust crate")
    interp = interpreter(ctx)
    version = interp.version
    requires = table(proj.pyproject, "project").get("requires-python")
    facts: dict = {"requires_python": requires if isinstance(requires, str) else None}
    found: list[Detected] = []
    notes: list[str] = []
    spec = None
    if isinstance(requires, str):
        try:
            spec = VersionSpec(requires)
        except ValueError:  # packaging's InvalidSpecifier
            notes.append(f"requires-python {requires!r} does not parse")
    features = _abi3_features(proj)
    if features:
        feature = max(features, key=lambda f: int(_ABI3.match(f).group(1)))  # type: ignore[union-attr]
        minor = int(_ABI3.match(feature).group(1))  # type: ignore[union-attr]
        facts.update(abi3_feature=feature, abi3_min_python=f"3.{minor}")
        problems = []
        if version and version < (3, minor):
            problems.append(
                f"The target interpreter is {version[0]}.{version[1]}: PyO3 refuses with "
                f'"cannot set a minimum Python version 3.{minor} higher than the interpreter '
                f'version {version[0]}.{version[1]}".'
            )
        if spec is not None:
            lowest = next((m for m in range(5, 20) if spec.contains(f"3.{m}.99")), None)
            if lowest is not None and lowest < minor:
                problems.append(
                    f"requires-python {requires!r} admits 3.{lowest}, "
                    "where the wheel will not load."
                )
        if problems:
            target = min([minor, *([version[1]] if version else [])])
            if spec is not None and lowest is not None:
                target = min(target, lowest)
            details = {"abi3_problem": " ".join(problems), "abi3_suggested": f"py3{target}"}
            details.update(_abi3_edit(proj, feature, f"py3{target}"))
            facts.update(details)
            found.append(Detected("abi3-misuse", Severity.FAIL, details))
    if (
        spec is not None
        and interp.info
        and not spec.contains(interp.info["version"], prereleases=True)
    ):
        facts.update(_admitted_here(ctx, proj, spec))
        found.append(Detected("requires-python-excludes-interpreter", Severity.FAIL))
    shown = f"Python {interp.info['version']}" if interp.info else "no interpreter to read"
    abi3 = ", ".join(features) or "off"
    summary = f"{shown}; requires-python {requires or 'not set'}; abi3 {abi3}"
    if notes:
        summary += f" ({'; '.join(notes)})"
    status = status_of(found)
    return ProbeResult(ID, status, summary, facts, (), tuple(found))
