"""The target interpreter: the one `maturin develop` builds for, and the script that asks it
about itself. Imports nothing heavy: the CLI starts that script before the rest of
pyo3-doctor is even imported (pyo3_doctor.machine.prefetch.start_interpreter).

Order: `--python`; then the environment `maturin develop` installs into (src/commands/
develop.rs detect_venv: VIRTUAL_ENV, else CONDA_PREFIX, else a `.venv` here or above), whose
Python it builds for whatever the shell's PYO3_PYTHON says (src/compile.rs sets PYO3_PYTHON
for the cargo build it drives); with none of those, where `maturin build` (without -i), pip
and a plain cargo build decide, `PYO3_PYTHON`, then `python3` and `python` on PATH. When both
VIRTUAL_ENV and CONDA_PREFIX are set maturin develop refuses and PyO3 ignores both, and so
do we. machine.interpreter.pyo3_python says what a PYO3_PYTHON that is not chosen breaks.
"""

from __future__ import annotations

import os
from pathlib import Path

from pyo3_doctor.system.proc import which

TYPE_CHECKING = False  # typing itself is not imported this early (pyo3_doctor.launch)
if TYPE_CHECKING:
    from collections.abc import Mapping

# Runs inside the target interpreter (any CPython/PyPy/GraalPy 3.6+) and prints one line: a
# dict of plain literals, in ASCII whatever the interpreter's stdout encoding (read back with
# ast.literal_eval). Kept cheap, as it is on the critical path: no json or struct, no `platform`
# and no `importlib.metadata` (together they cost more than the sysconfig dump). One optional
# line on stdin names a top-level module to look up without importing it, so the import check
# can be skipped when nothing is there.
# It runs in the working directory, as maturin and a pyenv-style shim would (`.python-version`
# there picks the interpreter); `-c` put that directory first on sys.path (and an empty
# PYTHONPATH entry puts it there again), and it is dropped before anything is imported, so
# that no module in the project shadows the stdlib or the installed module being looked up.
INSPECT = r"""
import os, sys
try:
    here = os.getcwd()
except OSError:
    here = ""
sys.path[:] = [p for p in sys.path if p and not (here and os.path.abspath(p) == here)]
import sysconfig
v = sysconfig.get_config_var
def dist_version(name):
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for found in names:
            stem, dot, kind = found.rpartition(".")
            dist, dash, version = stem.partition("-")
            if kind == "dist-info" and dash and dist.lower().replace("-", "_") == name:
                return version
    return None
def lookup(name):
    if not name.isidentifier():
        return None
    try:
        from importlib.util import find_spec
        spec = find_spec(name)
        return {"name": name, "origin": spec and (spec.origin or "namespace")}
    except Exception:
        return None
impl = sys.implementation.name
machine = os.uname().machine if hasattr(os, "uname") else __import__("platform").machine()
inc = v("INCLUDEPY") or sysconfig.get_paths().get("include") or ""
libdir, ldlib = v("LIBDIR") or "", v("LDLIBRARY") or ""
print(ascii({
  "implementation": {"cpython": "CPython", "pypy": "PyPy", "graalpy": "GraalVM"}.get(impl, impl),
  "version": "%d.%d.%d" % sys.version_info[:3],
  "executable": sys.executable,
  "prefix": sys.prefix, "base_prefix": getattr(sys, "base_prefix", sys.prefix),
  "pointer_bits": 64 if sys.maxsize > 2**32 else 32,
  "machine": machine, "platform": sysconfig.get_platform(),
  "gil_disabled": v("Py_GIL_DISABLED") == 1, "abiflags": getattr(sys, "abiflags", ""),
  "shared": bool(v("Py_ENABLE_SHARED")) or bool(v("PYTHONFRAMEWORK")),
  "ldversion": v("LDVERSION") or "", "libdir": libdir, "ldlibrary": ldlib,
  "libpython_exists": bool(ldlib) and os.path.exists(os.path.join(libdir, ldlib)),
  "include_dir": inc, "python_h": os.path.exists(os.path.join(inc, "Python.h")),
  "ext_suffix": v("EXT_SUFFIX") or "", "soabi": v("SOABI") or "",
  "scripts": sysconfig.get_path("scripts"),
  "stdlib": sysconfig.get_path("stdlib"), "platstdlib": sysconfig.get_path("platstdlib"),
  "stdlib_names": " ".join(sorted(getattr(sys, "stdlib_module_names", ()))) or None,
  "maturin": dist_version("maturin"),
  "lookup": lookup(sys.stdin.readline().strip() if sys.stdin else ""),
}))
"""


def _env_python(prefix: str, windows: bool) -> str:
    return (
        os.path.join(prefix, "Scripts", "python.exe")
        if windows
        else os.path.join(prefix, "bin", "python")
    )


def choose_python(
    python: str | None,
    env: Mapping[str, str],
    cwd: str,
    windows: bool,
    project: str = "",
    trust_project: bool = True,
) -> tuple[str | None, str]:
    """The interpreter path (None: nothing found) and how it was chosen. Without
    `trust_project` (--no-exec, diagnose) a `.venv` found in the project is not taken: it came
    with the checkout, and running it runs the checkout's code (its .pth files, or itself)."""
    if python:
        return resolve(python, env, cwd), "--python"
    venv, conda = env.get("VIRTUAL_ENV"), env.get("CONDA_PREFIX")
    if not (venv and conda and venv != conda):
        if venv:
            return _env_python(venv, windows), "VIRTUAL_ENV"
        if conda:
            return _env_python(conda, windows), "CONDA_PREFIX"
        # maturin develop's own next choice: a .venv in this folder or a parent, unactivated
        dot_venv = _dot_venv(Path(project or cwd)) if trust_project else None
        if dot_venv is not None:
            return _env_python(str(dot_venv), windows), ".venv"
    if env.get("PYO3_PYTHON"):
        return resolve(env["PYO3_PYTHON"], env, cwd), "PYO3_PYTHON"
    for name in ("python3", "python"):
        found = which(name, env)
        if found:
            return found, "PATH"
    return None, "PATH"


def _dot_venv(start: Path) -> Path | None:
    """The nearest `.venv` at or above `start` that is a virtualenv (has pyvenv.cfg)."""
    for folder in (start, *list(start.parents)[:8]):
        if (folder / ".venv" / "pyvenv.cfg").is_file():
            return folder / ".venv"
    return None


def resolve(name: str, env: Mapping[str, str], cwd: str) -> str | None:
    """A path as given (relative to `cwd`), or a bare name looked up on PATH."""
    if os.sep in name or (os.altsep and os.altsep in name):
        return name if os.path.isabs(name) else os.path.join(cwd, name)
    return which(name, env)


def inspect_argv(python: str) -> tuple[str, ...]:
    return (python, "-c", INSPECT)
