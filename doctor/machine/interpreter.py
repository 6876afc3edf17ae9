"""The target interpreter: found as PyO3 and maturin find it (machine.target), then asked
about itself once."""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyo3_doctor.context import Context
from pyo3_doctor.machine.target import choose_python, inspect_argv, resolve
from pyo3_doctor.model import Evidence
from pyo3_doctor.system.proc import run_tool


@dataclass(frozen=True)
class Interpreter:
    """The target interpreter: where it is, how it was chosen and what it said about itself."""

    path: str | None  # None: nothing found
    source: str  # how it was chosen: "--python", "PYO3_PYTHON", "VIRTUAL_ENV", ...
    info: dict[str, Any] | None  # what INSPECT printed; None if it could not run
    evidence: tuple[Evidence, ...]
    problem: str = ""  # why info is None

    @property
    def version(self) -> tuple[int, int] | None:
        if not self.info:
            return None
        major, minor = self.info["version"].split(".")[:2]
        return int(major), int(minor)


def choose(ctx: Context) -> tuple[str | None, str]:
    windows = ctx.platform.system == "windows"
    project = str(ctx.project_dir or "")  # maturin develop runs in the project
    return choose_python(ctx.python, ctx.env, str(ctx.cwd), windows, project, not ctx.no_exec)


def inspect(ctx: Context) -> Interpreter:
    path, source = choose(ctx)
    if path is None:
        return Interpreter(None, source, None, (), "no python3 or python on PATH")
    if not os.path.exists(path):
        return Interpreter(path, source, None, (), f"{path} does not exist")
    ran = run_tool(inspect_argv(path), ctx.env, cwd=ctx.tool_cwd or str(ctx.cwd))
    shown = Evidence((path, "-c", "<inspect sysconfig>"), ran.exit_code, ran.output, ran.note)
    if ran.exit_code != 0:
        reason = ran.note or f"exited with {ran.exit_code}"
        return Interpreter(path, source, None, (shown,), f"{path} could not run: {reason}")
    try:
        info = ast.literal_eval(ran.output.strip().splitlines()[-1])
    except (ValueError, TypeError, SyntaxError, IndexError, MemoryError, RecursionError):
        info = None
    problem = _not_an_answer(info)
    if problem:
        note = f"its answer was not understood: {problem}"
        return Interpreter(path, source, None, (shown,), note)
    return Interpreter(path, source, info, (shown,))


# What the inspect script (machine.target.INSPECT) answers, and of which types: a program
# that only looks like Python (a shim, a wrapper, a fake) may answer less, or otherwise
_ANSWER = {
    "implementation": str, "version": str, "executable": str, "prefix": str,
    "base_prefix": str, "pointer_bits": int, "machine": str, "platform": str,
    "gil_disabled": bool, "abiflags": str, "shared": bool, "ldversion": str, "libdir": str,
    "ldlibrary": str, "libpython_exists": bool, "include_dir": str, "python_h": bool,
    "ext_suffix": str, "soabi": str,
}  # fmt: skip
_VERSION = re.compile(r"\d+\.\d+\.\d+")


def _not_an_answer(info: object) -> str:
    """What is wrong with an inspect answer, or "" when it has every field, rightly typed."""
    if not isinstance(info, dict):
        return "not the expected dictionary"
    for key, kind in _ANSWER.items():
        if not isinstance(info.get(key), kind):
            return f"no {key}"
    return "" if _VERSION.fullmatch(info["version"]) else "no version X.Y.Z"


def interpreter(ctx: Context) -> Interpreter:
    return ctx.shared("interpreter", inspect)


def in_stdlib(interp: Interpreter, name: str) -> str:
    """Where this interpreter's standard library has a top-level module `name` (a file or a
    folder in its library folders), or that its list of module names has it; "" when it has
    none. Its own sys.stdlib_module_names where it has one (3.10+), else the shipped list;
    the folders too, as that list leaves out the `test` package the interpreter may carry."""
    from pyo3_doctor.kb.stdlib import stdlib_names

    info = interp.info or {}
    said = info.get("stdlib_names")
    listed = name in (set(said.split()) if isinstance(said, str) else stdlib_names())
    for folder in _library_folders(info):
        for candidate in (folder / f"{name}.py", folder / name / "__init__.py"):
            if candidate.is_file():
                return str(candidate)
        if folder.name == "lib-dynload" and any(folder.glob(f"{name}.*")):
            return str(next(folder.glob(f"{name}.*")))
    if not listed:
        return ""
    if isinstance(said, str):
        return f"`{name}`, listed in its sys.stdlib_module_names"
    return f"`{name}`, a standard-library module of Python 3.6 to 3.10 (knowledge/stdlib.toml)"


def _library_folders(info: dict[str, Any]) -> list[Path]:
    found = []
    for key in ("stdlib", "platstdlib"):
        if isinstance(info.get(key), str) and info[key]:
            found += [Path(info[key]), Path(info[key]) / "lib-dynload"]
    return list(dict.fromkeys(found))


# The sources that are the environment `maturin develop` installs into and builds for.
ENV_SOURCES = ("VIRTUAL_ENV", "CONDA_PREFIX", ".venv")


@dataclass(frozen=True)
class Pyo3Python:
    """A PYO3_PYTHON that `maturin develop` does not build for (an environment comes first),
    which `cargo build` and `maturin build` still do."""

    value: str  # as set
    path: str | None  # where it leads (None: a bare name not on PATH)
    problem: str  # why it names no interpreter ("does not exist"), or "" when it does one


def pyo3_python(ctx: Context) -> Pyo3Python | None:
    """PYO3_PYTHON when it is set and not the interpreter chosen, checked without running it:
    what it names, and why that is no interpreter to run."""
    value = ctx.env.get("PYO3_PYTHON")
    if not value or interpreter(ctx).source not in ENV_SOURCES:
        return None
    path = resolve(value, ctx.env, str(ctx.cwd))
    if path is None:
        problem = "is not on PATH"
    elif not os.path.exists(path):
        problem = "does not exist"
    elif os.path.isdir(path) or not os.access(path, os.X_OK):
        problem = "is not an executable file"
    else:
        problem = ""
    return Pyo3Python(value, path, problem)
