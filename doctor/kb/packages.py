"""The system packages that provide what a build did not find (knowledge/packages.toml).

A log names the missing thing as a program, a pkg-config or -l name, a header or the -sys
crate that looked for it; the package that provides it depends on the package manager. The
engine asks `for_values` with the values a finding was filled from and puts the answer in
`system_packages` (a list: one argv element each), so the install step names the package for
what is missing here, never a fixed one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

FILE = "packages.toml"
# The values that can name a missing thing: log facts, then entries' own regex groups.
NAMING = ("missing_program", "missing_library", "build_script_failed", "lib", "header", "tool")
PLACEHOLDER = "system_packages"
MANAGERS = ("apt", "dnf", "apk", "pacman", "zypper", "brew")


@lru_cache(maxsize=1)
def _by_name() -> dict[str, dict[str, tuple[str, ...]]]:
    from pyo3_doctor.kb.files import parsed

    table: dict[str, dict[str, tuple[str, ...]]] = {}
    for raw in parsed()[FILE].values():
        packages = {m: tuple(raw[m]) for m in MANAGERS if m in raw}
        for name in raw["for"]:
            table[name.lower()] = packages
    return table


def _key(name: str) -> str:
    """A log's name as the table keys it: `libssl.so` -> `ssl`, `<openssl/ssl.h>` kept."""
    name = name.strip().strip("<>`'\"").lower()
    if name.endswith(".h"):
        return name
    name = re.sub(r"\.(?:so|a|dylib|lib|pc)(?:\.[\d.]+)?$", "", name)
    return name


def for_values(values: Mapping[str, Any], manager: str) -> tuple[str, ...]:
    """The packages `manager` installs for the first missing thing the values name that the
    table knows; () when none is known (the step then stays general advice)."""
    if manager not in MANAGERS:
        return ()
    table = _by_name()
    for name in NAMING:
        value = values.get(name)
        if not isinstance(value, str) or not value:
            continue
        key = _key(value)
        found = table.get(key) or table.get(key.removeprefix("lib"))
        if found and manager in found:
            return found[manager]
    return ()
