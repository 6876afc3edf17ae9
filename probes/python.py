"""Which interpreter will PyO3 build for, and can the project's PyO3 build for it?"""

from __future__ import annotations

import os

from pyo3_doctor.context import Context
from pyo3_doctor.kb.versions import PyO3Support, policy
from pyo3_doctor.machine.interpreter import ENV_SOURCES, Interpreter, interpreter, pyo3_python
from pyo3_doctor.machine.pyo3_fit import interpreters_for, move_to
from pyo3_doctor.machine.pythons import installed
from pyo3_doctor.machine.target import choose_python
from pyo3_doctor.machine.toolchain import pointer_bits, rustc
from pyo3_doctor.model import Detected, ProbeResult, Severity, fail, judged, warn
from pyo3_doctor.project.loader import project

ID = "python"
ORDER = 40  # where reports list it
TITLE = "Python interpreter"
FACTS = (
    "python",
    "python_version",
    "python_impl",
    "python_source",
    "python_bits",
    "python_machine",
    "gil_disabled",
    "ext_suffix",
    "pyo3_min_python",
    "pyo3_max_python",
    "pyo3_series",
    "pyo3_first_supporting",
    "forward_env",
    "rust_bits",
    "build",
    "pyo3_fit",
    "pyo3_fit_file",
    "pyo3_fit_key",
    "pyo3_fit_value",
    "pyo3_fit_changes",
    "python_fit",
    "pythons_fit",
    "python_fit_version",
    "python_fit_venv",
    "python_env",
    "pyo3_python",
    "pyo3_python_problem",
    "pyo3_python_broken",
    "python_without_override",
    "python_other",
)


def _v(pair: tuple) -> str:
    return f"{pair[0]}.{pair[1]}"


def _identity(interp: Interpreter) -> dict:
    info = interp.info or {}
    # maturin develop builds for the environment it installs into: only a new one changes that
    env = info["prefix"] if interp.source in ENV_SOURCES else None
    return {
        "python_env": env,
        "python": interp.path,
        "python_version": info["version"],
        "python_impl": info["implementation"],
        "python_source": interp.source,
        "python_bits": info["pointer_bits"],
        "python_machine": info["machine"],
        "gil_disabled": info["gil_disabled"],
        "ext_suffix": info["ext_suffix"],
    }


def _against_pyo3(
    interp: Interpreter, support: PyO3Support, severity: Severity, facts: dict, forward: bool
) -> list[Detected]:
    """What the project's PyO3 series (`support`) says about this interpreter's version and
    build; fills the range facts in."""
    info, version = interp.info or {}, interp.version
    impl = info["implementation"]
    found = []
    span = {"PyPy": support.pypy, "GraalVM": support.graalpy}.get(impl, support.cpython)
    if span is None:
        found.append(Detected("unsupported-interpreter-build", severity, {"build": impl}))
    else:
        facts.update(pyo3_min_python=_v(span[0]), pyo3_max_python=_v(span[1]))
        if version < span[0]:
            found.append(Detected("python-version-too-old", severity))
        elif version > span[1] and support.max_checked_from != "never":
            experimental = support.experimental and version == (span[1][0], span[1][1] + 1)
            # PyO3's own escape hatch: build for the stable ABI of the newest it knows
            if not (experimental or (forward and support.forward_env)):
                found.append(Detected("python-version-unsupported", severity))
    if info["gil_disabled"] and (support.free_threaded is None or version < support.free_threaded):
        found.append(
            Detected("unsupported-interpreter-build", severity, {"build": "free-threaded"})
        )
    return found


def _truthy(value: str) -> bool:
    return value.strip().lower() not in ("", "0", "false", "no", "off")


def _ways_out(
    ctx: Context, interp: Interpreter, support: PyO3Support, series: str, found: list
) -> dict:
    """Facts for the fixes of a version mismatch: the PyO3 series to move to (the nearest
    that supports this interpreter) and the interpreters here this PyO3 supports."""
    info, version = interp.info or {}, interp.version
    impl, ids = info["implementation"], {d.id for d in found}
    rules = policy()
    if "python-version-unsupported" in ids:
        target = rules.first_supporting(impl, version)
    elif "python-version-too-old" in ids:
        target = rules.last_supporting(impl, version)
    else:
        target = None
    facts = move_to(project(ctx), series, target)
    facts.update(interpreters_for(ctx, support, impl, bool(info["gil_disabled"])))
    if facts.get("python_fit_version") and interp.source in ENV_SOURCES:
        folder = project(ctx).root or ctx.cwd
        facts["python_fit_venv"] = str(folder / f".venv-{facts['python_fit_version']}")
    return facts


def _pyo3_python(ctx: Context, interp: Interpreter, facts: dict) -> tuple[str, list[Detected]]:
    """What a PYO3_PYTHON that maturin develop does not build for breaks: a note, or, when it
    names no interpreter, pyo3-python-not-found (cargo build and maturin build use it)."""
    other = pyo3_python(ctx)
    if other is None:
        return "", []
    facts["pyo3_python"] = other.value
    if other.problem:
        facts["pyo3_python_problem"] = other.problem
        said = f"; PYO3_PYTHON={other.value} {other.problem}: cargo build and maturin build fail"
        return said, [warn("pyo3-python-not-found")]
    if other.path and _same_file(other.path, interp.path):
        return "", []
    return f"; PYO3_PYTHON={other.value} is what cargo build and maturin build use", []


def _same_file(a: str, b: str | None) -> bool:
    try:
        return b is not None and os.path.samefile(a, b)
    except OSError:
        return False


def _elsewhere(ctx: Context, interp: Interpreter) -> dict:
    """Facts for interpreter-not-found's fixes: the interpreter PyO3 would take without a
    PYO3_PYTHON that names none, and one installed here to point it at."""
    facts: dict = {}
    if interp.source == "PYO3_PYTHON":
        facts["pyo3_python_broken"] = ctx.env.get("PYO3_PYTHON")
        env = {k: v for k, v in ctx.env.items() if k != "PYO3_PYTHON"}
        windows = ctx.platform.system == "windows"
        path, _ = choose_python(None, env, str(ctx.cwd), windows, str(ctx.project_dir or ""))
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            facts["python_without_override"] = path
    cpythons = [i.path for i in installed(ctx) if not i.free_threaded]
    facts["python_other"] = facts.get("python_without_override") or next(iter(cpythons), None)
    return facts


def probe(ctx: Context) -> ProbeResult:
    interp = interpreter(ctx)
    if interp.info is None:
        facts = {"python_source": interp.source, **_elsewhere(ctx, interp)}
        return judged(ID, interp.problem, facts, interp.evidence, [fail("interpreter-not-found")])
    info, version = interp.info, interp.version
    assert version is not None
    facts = _identity(interp)
    impl = info["implementation"]
    flavour = "t (free-threaded)" if info["gil_disabled"] else ""
    summary = f"{impl} {info['version']}{flavour} at {interp.path} (from {interp.source})"
    pyo3 = project(ctx).pyo3_version
    support = (policy().for_pyo3(pyo3) if pyo3 else None) or policy().newest
    first = policy().first_supporting(impl, version)
    facts.update(
        pyo3_series=str(pyo3) if pyo3 else f"{support.series} (newest known)",
        # the stable-ABI escape hatch exists for CPython with the GIL only
        forward_env=(support.forward_env or None)
        if impl == "CPython" and not info["gil_disabled"]
        else None,
        pyo3_first_supporting=first.series if first else None,
    )
    forward = bool(facts["forward_env"]) and _truthy(ctx.env.get(facts["forward_env"], ""))
    found = _against_pyo3(interp, support, Severity.FAIL, facts, forward)
    if forward and version > support.cpython[1]:
        summary += f"; {facts['forward_env']} is set: PyO3 builds it through the stable ABI"
    if pyo3 is not None and found:
        facts.update(_ways_out(ctx, interp, support, str(pyo3), found))
    if pyo3 is None and found:
        # no project PyO3 to judge by: what the newest PyO3 would say is a note, not a finding
        said = ", ".join(d.id for d in found)
        summary += f"; PyO3 {support.series}, the newest known, would find {said}"
        found = []
    said, others = _pyo3_python(ctx, interp, facts)
    summary += said
    found += others
    host = rustc(ctx).host
    rust_bits = pointer_bits(host) if host else None
    if rust_bits and rust_bits != info["pointer_bits"]:
        facts["rust_bits"] = rust_bits
        found.append(fail("arch-mismatch"))
    return judged(ID, summary, facts, interp.evidence, found)
