"""What the probes look at: the environment, the platform, the project and shared facts.

A `Context` is built once per run and handed to every probe. Tests stage real environments by
building one with another `env` (a PATH without `cc`, a `VIRTUAL_ENV`...), never by patching.
Facts several probes need (the interpreter's sysconfig, `rustc -vV`, the parsed project files)
are gathered once, on first use, behind a per-key lock.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, TypeVar

T = TypeVar("T")


def cargo_home(env: Mapping[str, str]) -> Path:
    """Where rustup and cargo keep their binaries and global config, for this environment."""
    if env.get("CARGO_HOME"):
        return Path(env["CARGO_HOME"])
    return Path(env.get("HOME") or os.path.expanduser("~")) / ".cargo"


@dataclass(frozen=True)
class Platform:
    """The machine a check runs on: what a fix's `platform` key is matched against."""

    system: str  # "linux", "macos", "windows", ...
    machine: str
    distro: str  # /etc/os-release ID, "" elsewhere
    distro_like: tuple[str, ...]
    package_manager: str  # "apt", "dnf", "apk", "pacman", "zypper", "brew", "" if unknown
    is_root: bool

    @property
    def tags(self) -> frozenset[str]:
        """The names a fix's `platform` may use to say where it applies."""
        tags = {"any", self.system}
        if self.package_manager:
            tags.add(self.package_manager)
        return frozenset(tags)


_PACKAGE_MANAGERS = (
    (("debian", "ubuntu"), "apt"),
    (("fedora", "rhel", "centos"), "dnf"),
    (("alpine",), "apk"),
    (("arch",), "pacman"),
    (("opensuse", "suse", "sles"), "zypper"),
)


def read_os_release(path: str = "/etc/os-release") -> dict[str, str]:
    values: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                key, sep, value = line.strip().partition("=")
                if sep:
                    values[key] = value.strip().strip('"').strip("'")
    except OSError:
        pass
    return values


def detect_platform(os_release: str = "/etc/os-release") -> Platform:
    system = {"darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    if system.startswith("linux"):
        system = "linux"
    distro, like, manager = "", (), ""
    if system == "linux":
        info = read_os_release(os_release)
        distro = info.get("ID", "").lower()
        like = tuple(info.get("ID_LIKE", "").lower().split())
        for names, pm in _PACKAGE_MANAGERS:
            if any(n == distro or n in like or distro.startswith(n) for n in names):
                manager = pm
                break
    elif system == "macos":
        manager = "brew"
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    return Platform(system, _machine(), distro, like, manager, is_root)


def _machine() -> str:
    if hasattr(os, "uname"):
        return os.uname().machine  # what platform.machine() says, without importing it
    import platform

    return platform.machine()


@dataclass(frozen=True)
class Context:
    """Everything a probe may look at: environment, directory, platform, options; and
    the memo that lets probes share one parse of the project and one run of each tool."""

    env: Mapping[str, str]
    cwd: Path
    platform: Platform
    timeout: float = 10.0
    python: str | None = None  # --python: overrides how the target interpreter is found
    project_dir: Path | None = None  # --project; None: search upward from cwd
    # --no-exec: nothing of the project runs (no import of its package, tools run outside it
    # so a rust-toolchain.toml or .python-version there picks nothing); for untrusted trees
    no_exec: bool = False
    _memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _locks: dict[str, threading.Lock] = field(default_factory=dict, repr=False, compare=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def from_process(
        cls,
        *,
        timeout: float = 10.0,
        python: str | None = None,
        project_dir: str | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        no_exec: bool = False,
    ) -> Context:
        here = Path(cwd or os.getcwd())
        return cls(
            env=dict(os.environ if env is None else env),
            cwd=here,
            platform=detect_platform(),
            timeout=timeout,
            python=python,
            project_dir=(here / project_dir).resolve() if project_dir else None,
            no_exec=no_exec,
        )

    @property
    def tool_cwd(self) -> str | None:
        """Where tools that read per-folder settings run: the project, or, with --no-exec,
        the filesystem root, where no file of the project can steer them."""
        return os.path.abspath(os.sep) if self.no_exec else None

    def shared(self, key: str, compute: Callable[[Context], T]) -> T:
        """Compute a fact once per run, whichever probe asks first."""
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._memo:
                self._memo[key] = compute(self)
            return self._memo[key]

    def fresh(self) -> Context:
        """The same machine and project with nothing remembered: a re-run after a fix must
        read the files it just changed."""
        return replace(self, _memo={}, _locks={}, _guard=threading.Lock())
