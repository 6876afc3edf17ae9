"""Starting tools: posix_spawn in the working directory, Popen elsewhere, the same child."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from support import fresh_python

from pyo3_doctor.system.proc import run_tool
from pyo3_doctor.system.spawn import which

# What the child reports about how it was started: its session, its stdin, and the descriptors
# it inherited.
REPORT = r"""
import os
print(os.getsid(0) == os.getpid(), os.path.samefile("/dev/null", "/proc/self/fd/0")
      if os.path.exists("/proc/self/fd/0") else True)
print(sorted(int(fd) for fd in os.listdir("/proc/self/fd")) if os.path.exists("/proc/self/fd")
      else [])
"""


@pytest.mark.skipif(sys.platform == "win32", reason="sessions and /proc are POSIX")
@pytest.mark.parametrize("where", ["working directory (posix_spawn)", "elsewhere (Popen)"])
def test_both_ways_of_starting_give_the_tool_the_same_start(where, tmp_path):
    cwd = None if where.startswith("working") else str(tmp_path)
    leaked_r, leaked_w = os.pipe()
    os.set_inheritable(leaked_w, True)  # as a descriptor handed down by a parent would be
    env = dict(os.environ)
    try:
        ran = run_tool([sys.executable, "-c", REPORT], env, cwd=cwd, timeout=20)
        # Python ignores SIGPIPE for itself; a tool that is not Python must get it back
        signals = run_tool(["grep", "SigIgn", "/proc/self/status"], env, cwd=cwd, timeout=20)
    finally:
        os.close(leaked_r)
        os.close(leaked_w)
    assert ran.exit_code == 0, ran.output
    session, fds = ran.output.strip().splitlines()
    assert session == "True True"  # its own session, stdin from /dev/null
    if sys.platform.startswith("linux"):
        assert leaked_w not in eval(fds), "an inherited descriptor reached the tool"
        ignored = int(signals.output.split()[1], 16)
        assert not ignored & (1 << 12), "SIGPIPE is left ignored in the tool"


@pytest.fixture
def path_dirs(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        folder.mkdir()
    (first / "plain").write_text("not executable")
    (second / "plain").write_text("#!/bin/sh\n")
    (second / "plain").chmod(0o755)
    (first / "folder").mkdir()
    (second / "tool").write_text("#!/bin/sh\n")
    (second / "tool").chmod(0o755)
    (first / "link").symlink_to(second / "tool")
    (first / "dangling").symlink_to(tmp_path / "nowhere")
    return first, second


@pytest.mark.skipif(os.name == "nt", reason="Windows uses shutil.which itself")
@pytest.mark.parametrize("name", ["plain", "folder", "tool", "link", "dangling", "missing"])
def test_which_finds_what_shutil_which_finds(name, path_dirs):
    first, second = path_dirs
    for path in (
        os.pathsep.join(map(str, (first, second))),
        os.pathsep.join(map(str, (first, first, second))),
        str(first),
        "",
    ):
        assert which(name, path) == shutil.which(name, path=path), (name, path)
    direct = str(second / name)
    assert which(direct, "") == shutil.which(direct, path="")


@pytest.mark.skipif(os.name == "nt", reason="Windows uses shutil.which itself")
def test_an_empty_path_finds_nothing_not_even_here(path_dirs, monkeypatch):
    monkeypatch.chdir(path_dirs[1])  # holds an executable `tool`
    assert which("tool", "") is None is shutil.which("tool", path="")


LEAK = r"""
import os, resource
from pyo3_doctor.system.spawn import start
def fds():
    return sorted(int(name) for name in os.listdir("/proc/self/fd"))
before = fds()
# Descriptor numbers stop where three are free (`before` counts the listing's own, closed
# since): one pipe fits, the second does not.
limit = next(n for n in range(3, 4096) if n - len([fd for fd in before if fd < n]) == 2)
resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
for _ in range(5):
    try:
        start(("/bin/true",), {}, stdin_pipe=True)
    except OSError:
        pass
print(fds() == before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts /proc/self/fd")
def test_a_start_that_runs_out_of_descriptors_leaves_none_open():
    assert fresh_python(LEAK).strip() == "True"
