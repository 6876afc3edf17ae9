"""The target interpreter: found as PyO3 and maturin find it (machine.target), then asked
about itself once."""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from typing import Any

from pyo3_doctor.context import Context
from pyo3_doctor.machine.target import choose_python, inspect_argv
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
        if not isinstance(info, dict) or not isinstance(info.get("version"), str):
            raise ValueError("not a dict with a version")
    except (ValueError, TypeError, SyntaxError, IndexError, MemoryError, RecursionError):
        return Interpreter(path, source, None, (shown,), "its answer was not understood")
    return Interpreter(path, source, info, (shown,))


def interpreter(ctx: Context) -> Interpreter:
    return ctx.shared("interpreter", inspect)
