"""Python.h and libpython: extensions need neither; embedding and auto-initialize need libpython."""

from __future__ import annotations

import os

from pyo3_doctor.context import Context
from pyo3_doctor.machine.interpreter import interpreter
from pyo3_doctor.model import ProbeResult, Status, fail
from pyo3_doctor.project.loader import project

ID = "python_dev"
ORDER = 50  # where reports list it
TITLE = "Python headers and libpython"
FACTS = (
    "python_minor",
    "libdir",
    "ldlibrary",
    "include_dir",
    "libpython_shared",
    "python_prefix",
    "python_base",
)


def probe(ctx: Context) -> ProbeResult:
    info = interpreter(ctx).info
    if info is None:
        return ProbeResult(ID, Status.SKIP, "no interpreter to inspect")
    minor = ".".join(info["version"].split(".")[:2])
    facts = {
        "python_minor": minor,
        "libdir": info["libdir"],
        "ldlibrary": info["ldlibrary"],
        "include_dir": info["include_dir"],
        "libpython_shared": info["shared"],
        # what an embedded interpreter (cargo test, auto-initialize) needs as PYTHONHOME
        "python_prefix": info.get("base_prefix") or None,
        "python_base": _base_interpreter(info, minor),
    }
    headers = "Python.h present" if info["python_h"] else "no Python.h"
    lib = os.path.join(info["libdir"], info["ldlibrary"]) if info["ldlibrary"] else "none"
    embeds = "auto-initialize" in project(ctx).pyo3_features
    if not embeds:
        return ProbeResult(
            ID, Status.OK, f"{headers}, libpython {lib}: an extension module needs neither", facts
        )
    if not info["shared"]:
        return ProbeResult(
            ID,
            Status.FAIL,
            "auto-initialize needs a shared libpython; this Python is static-only",
            facts,
            detected=(fail("auto-initialize-static-python"),),
        )
    if not info["libpython_exists"]:
        return ProbeResult(
            ID,
            Status.FAIL,
            f"auto-initialize links libpython, but {lib} does not exist",
            facts,
            detected=(fail("libpython-link"),),
        )
    return ProbeResult(
        ID, Status.OK, f"{headers}, shared libpython at {lib} (auto-initialize)", facts
    )


def _base_interpreter(info: dict, minor: str) -> str | None:
    """The interpreter of the base prefix (a virtualenv's own python is a thin copy)."""
    base = info.get("base_prefix")
    if not base:
        return None
    for name in (f"bin/python{minor}", "bin/python3", "python.exe"):
        candidate = os.path.join(base, *name.split("/"))
        if os.path.exists(candidate):
            return candidate
    return None
