"""The Python interpreters installed on this machine, found where installers put them.

Nothing is run but the Windows `py` launcher's listing: a version is read from the name an
installer gave the file or folder (pyenv's `versions/3.12.1`, uv's `cpython-3.12.1-linux-...`,
conda's `conda-meta/python-3.11.5-...json`, `python3.12` on PATH), so a machine with twenty
Pythons costs a few directory listings. Used to say which interpreter a project's PyO3 can
build for, as a command with a real path.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from pyo3_doctor.context import Context
from pyo3_doctor.system.proc import run_tool, which

LISTED = 200  # entries read per folder: a folder is a listing, never a walk


@dataclass(frozen=True)
class Installed:
    version: tuple[int, int, int]
    free_threaded: bool
    path: str
    source: str  # "PATH", "pyenv", "uv", "conda", "py launcher"

    @property
    def minor(self) -> tuple[int, int]:
        return self.version[:2]

    def label(self) -> str:
        text = ".".join(map(str, self.version)) + ("t" if self.free_threaded else "")
        return f"{self.path} ({text}, {self.source})"


_NAMED = re.compile(r"(?:^|[-/\\])(?:cpython-|python-?)?(3)\.(\d+)(?:\.(\d+))?(t?)(?:[-+/]|$)")


def _version(name: str) -> tuple[tuple[int, int, int], bool] | None:
    found = _NAMED.search(name)
    if not found or "pypy" in name.lower() or "graal" in name.lower():
        return None
    major, minor, micro, thread = found.groups()
    return (int(major), int(minor), int(micro or 0)), bool(thread)


def _listing(folder: Path) -> list[Path]:
    try:
        with os.scandir(folder) as entries:
            return [Path(e.path) for _, e in zip(range(LISTED), entries)]
    except OSError:
        return []


def _first(folder: Path, names: tuple[str, ...]) -> str | None:
    return next((str(folder / n) for n in names if os.access(folder / n, os.X_OK)), None)


def _managed(root: Path, source: str) -> list[Installed]:
    """pyenv's and uv's layout: one folder per interpreter, named by its version."""
    found = []
    for folder in _listing(root):
        named = _version(folder.name)
        exe = _first(folder / "bin", ("python3", "python")) or _first(folder, ("python.exe",))
        if named and exe:
            found.append(Installed(named[0], named[1], exe, source))
    return found


def _conda(envs: Path) -> list[Installed]:
    found = []
    for env in _listing(envs):
        meta = [p.name for p in _listing(env / "conda-meta") if p.name.startswith("python-3")]
        named = _version(meta[0]) if meta else None
        exe = _first(env / "bin", ("python3", "python")) or _first(env, ("python.exe",))
        if named and exe:
            found.append(Installed(named[0], named[1], exe, "conda"))
    return found


def _on_path(ctx: Context) -> list[Installed]:
    found = []
    for folder in ctx.env.get("PATH", "").split(os.pathsep)[:64]:
        if "shims" in folder:  # pyenv's shims: the versions folder names them better
            continue
        for file in _listing(Path(folder)):
            named = _version(file.name) if file.name.startswith("python3.") else None
            if named and os.access(file, os.X_OK):
                found.append(Installed(named[0], named[1], str(file), "PATH"))
    return found


def _launcher(ctx: Context) -> list[Installed]:
    """`py -0p` on Windows: ` -V:3.12 *  C:\\...\\python.exe`."""
    py = which("py", ctx.env) if ctx.platform.system == "windows" else None
    if not py:
        return []
    listed = run_tool([py, "-0p"], ctx.env)
    found = []
    for line in listed.output.splitlines():
        named = _version(line.split()[0].lstrip("-V:")) if line.strip() else None
        path = line.split()[-1] if line.strip() else ""
        if named and path.lower().endswith(".exe"):
            found.append(Installed(named[0], named[1], path, "py launcher"))
    return found


def _gather(ctx: Context) -> tuple[Installed, ...]:
    home = Path(ctx.env.get("HOME") or ctx.env.get("USERPROFILE") or "~").expanduser()
    pyenv = Path(ctx.env.get("PYENV_ROOT") or home / ".pyenv") / "versions"
    data = Path(ctx.env.get("XDG_DATA_HOME") or home / ".local" / "share")
    uv = Path(ctx.env.get("UV_PYTHON_INSTALL_DIR") or data / "uv" / "python")
    found = _on_path(ctx) + _managed(pyenv, "pyenv") + _managed(uv, "uv")
    for conda in ("miniconda3", "anaconda3", "miniforge3", "mambaforge"):
        found += _conda(home / conda / "envs")
    found += _launcher(ctx)
    unique: dict[str, Installed] = {}
    for one in found:
        unique.setdefault(os.path.realpath(one.path), one)
    return tuple(sorted(unique.values(), key=lambda i: (i.version, i.source), reverse=True))


def installed(ctx: Context) -> tuple[Installed, ...]:
    """Every interpreter found, newest first."""
    return ctx.shared("installed_pythons", _gather)
