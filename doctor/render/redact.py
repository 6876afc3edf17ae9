"""`--redact`: this machine's home directory, user name and host name out of every output.

Applied once, to the final text on its way to stdout and stderr (a stream wrapper), so every
format and command (text, JSON, github, diagnose, fix previews, error lines) is covered by
the same code and no renderer can forget it. Output is held back to whole lines, so a name is
never split between two writes.

Names are replaced only as whole words (not inside a longer identifier: "/home/al" leaves
"/home/alice" alone), and the home directory before the user name, so `/home/alice/x`
reads `~/x`. "root" and "localhost" identify nobody and would mangle words such as
"project root", so they stay.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import socket
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

HOME, USER, HOST = "~", "<user>", "<host>"
_GENERIC = {"root", "localhost", "localhost.localdomain", ""}
_WORD = "A-Za-z0-9_"


def _homes(env: Mapping[str, str]) -> set[str]:
    found = {env.get("HOME", ""), env.get("USERPROFILE", ""), os.path.expanduser("~")}
    with contextlib.suppress(Exception):  # no pwd module on Windows, no entry in a container
        import pwd

        found.add(pwd.getpwuid(os.getuid()).pw_dir)
    homes = set()
    for home in found:
        home = home.rstrip("/\\")
        if len(home) < 2:  # "" or "/": nothing personal, and replacing it would eat every path
            continue
        homes.add(home)
        with contextlib.suppress(OSError):
            homes.add(os.path.realpath(home))  # /tmp -> /private/tmp on macOS
    # JSON doubles backslashes, so a Windows home appears escaped in --json output
    return homes | {h.replace("\\", "\\\\") for h in homes if "\\" in h}


def _users(env: Mapping[str, str]) -> set[str]:
    names = {env.get(k, "") for k in ("LOGNAME", "USER", "LNAME", "USERNAME")}
    with contextlib.suppress(Exception):
        names.add(getpass.getuser())
    return {n for n in names if n.lower() not in _GENERIC}


def _hosts() -> set[str]:
    names: set[str] = set()
    with contextlib.suppress(OSError):
        full = socket.gethostname()
        names |= {full, full.split(".", 1)[0]}
    return {n for n in names if n.lower() not in _GENERIC}


class Redactor:
    def __init__(self, homes: Iterable[str], users: Iterable[str], hosts: Iterable[str]) -> None:
        rules: list[tuple[re.Pattern[str], str]] = []
        # the home first and longest first: it usually contains the user name
        for home in sorted(set(homes), key=len, reverse=True):
            rules.append((re.compile(re.escape(home) + f"(?![{_WORD}.-])"), HOME))
        for names, mark in ((users, USER), (hosts, HOST)):
            for name in sorted(set(names), key=len, reverse=True):
                rules.append((re.compile(f"(?<![{_WORD}]){re.escape(name)}(?![{_WORD}])"), mark))
        self.rules = tuple(rules)

    @classmethod
    def for_this_machine(cls, env: Mapping[str, str] | None = None) -> Redactor:
        env = os.environ if env is None else env
        return cls(_homes(env), _users(env), _hosts())

    def __call__(self, text: str) -> str:
        for pattern, mark in self.rules:
            text = pattern.sub(mark, text)
        return text


class RedactingStream:
    """A text stream that redacts whole lines before passing them on."""

    def __init__(self, inner: TextIO, redactor: Redactor) -> None:
        self.inner = inner
        self.redactor = redactor
        self.pending = ""

    def write(self, text: str) -> int:
        self.pending += text
        cut = self.pending.rfind("\n") + 1
        if cut:
            self.inner.write(self.redactor(self.pending[:cut]))
            self.pending = self.pending[cut:]
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.inner.write(self.redactor(self.pending))
            self.pending = ""
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, errors, ...
        return getattr(self.inner, name)
