"""Start the slow tools before the rest of pyo3-doctor has even been imported.

The probes spend most of their time waiting on the target interpreter's sysconfig dump,
`rustc -vV`, `cargo -V`, `cc --version` and `maturin --version`. Starting them here, first
thing and the slowest first, lets the imports and the knowledge base load while they run;
each probe then collects its tool through pyo3_doctor.system.proc.run_tool under its own deadline. A
tool nobody collects (the project names another linker, say) is killed at exit with the rest.
"""

from __future__ import annotations

import os
import sys

from pyo3_doctor.machine.target import choose_python, inspect_argv
from pyo3_doctor.system.proc import feed, prestart, which

TYPE_CHECKING = False  # typing itself is not imported this early (pyo3_doctor.launch)
if TYPE_CHECKING:
    from collections.abc import Mapping

    from pyo3_doctor.context import Context


def start_interpreter(
    python: str | None, env: Mapping[str, str], cwd: str, trust_project: bool = True
) -> str | None:
    """Start the target interpreter's inspect script: the slowest tool, and first on the
    critical path, so it starts before anything else is imported (pyo3_doctor.launch, or the
    CLI when the launch could not tell the run would probe)."""
    path, _ = choose_python(python, env, cwd, sys.platform == "win32", "", trust_project)
    if path and os.path.exists(path):
        prestart(inspect_argv(path), env, cwd, feed=True)
        return path
    return None


def start_early(
    python: str | None, env: Mapping[str, str], cwd: str, trust_project: bool = True
) -> str | None:
    """Start every tool that does not depend on the project: the interpreter first (the
    slowest), then the C compiler and maturin. A no-op for any already started."""
    path = start_interpreter(python, env, cwd, trust_project)
    if not any(k.startswith("CARGO_TARGET_") and k.endswith("_LINKER") for k in env):
        prestart(["cc", "--version"], env)
    maturin = which("maturin", env)
    if maturin:
        prestart([maturin, "--version"], env)
    return path


def prefetch(ctx: Context) -> None:
    if ctx.no_exec:  # the probes run their tools outside the project, when they need them
        return
    python = start_early(ctx.python, ctx.env, str(ctx.cwd))  # no-ops for the early ones
    # These need the project found and parsed (rustup reads rust-toolchain.toml there). The
    # built module's import check waits for the sysconfig dump instead: it then runs the
    # interpreter binary directly, not through a pyenv-style shim, which costs more CPU than
    # starting it early saves on two cores.
    from pyo3_doctor.machine.toolchain import rust_env
    from pyo3_doctor.project.loader import project

    proj = project(ctx)
    cwd = str(proj.root) if proj.root else None
    prestart(["rustc", "-vV"], rust_env(ctx.env), cwd)
    prestart(["cargo", "-V"], rust_env(ctx.env), cwd)
    if python:
        # The interpreter looks the module up while it runs anyway: when nothing by that name
        # is there, the import check (a second interpreter start) is not needed.
        name = proj.layout.top_level_name if proj.layout else ""
        feed(inspect_argv(python), ctx.env, str(ctx.cwd), name + "\n")
