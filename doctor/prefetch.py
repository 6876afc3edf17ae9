"""Start the slow tools before the rest of pyo3-doctor has even been imported.

The probes spend most of their time waiting on the target interpreter's sysconfig dump,
`rustc -vV`, `cargo -V`, `cc --version` and `maturin --version`. Starting them here, first
thing and the slowest first, lets the imports and the knowledge base load while they run;
each probe then collects its tool through doctor.proc.run_tool under its own deadline. A
tool nobody collects (the project names another linker, say) is killed at exit with the rest.
"""

from __future__ import annotations

import os

from doctor.context import Context
from doctor.interpreter import INSPECT, choose
from doctor.proc import feed, prestart, which


def prefetch(ctx: Context) -> None:
    python, _ = choose(ctx)
    inspect = ([python, "-c", INSPECT], ctx.env, os.path.abspath(os.sep))
    if python and os.path.exists(python):
        prestart(*inspect, feed=True)
    if not any(k.startswith("CARGO_TARGET_") and k.endswith("_LINKER") for k in ctx.env):
        prestart(["cc", "--version"], ctx.env)
    maturin = which("maturin", ctx.env)
    if maturin:
        prestart([maturin, "--version"], ctx.env)
    # These need the project found and parsed (rustup reads rust-toolchain.toml there). The
    # built module's import check waits for the sysconfig dump instead: it then runs the
    # interpreter binary directly, not through a pyenv-style shim, which costs more CPU than
    # starting it early saves on two cores.
    from doctor.project import project

    proj = project(ctx)
    cwd = str(proj.root) if proj.root else None
    prestart(["rustc", "-vV"], ctx.env, cwd)
    prestart(["cargo", "-V"], ctx.env, cwd)
    # The interpreter looks the module up while it runs anyway: when nothing by that name is
    # there, the import check (a second interpreter start) is not needed.
    name = proj.layout.module_name.partition(".")[0] if proj.layout else ""
    feed(*inspect, name + "\n")
