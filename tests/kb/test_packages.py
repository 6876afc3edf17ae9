"""knowledge/packages.toml: the system package for what a build did not find."""

from __future__ import annotations

import pytest

from pyo3_doctor.kb.files import parsed
from pyo3_doctor.kb.packages import FILE, MANAGERS, for_values


def test_every_table_names_what_it_is_for_and_only_known_managers():
    seen: set[str] = set()
    for name, raw in parsed()[FILE].items():
        assert raw["for"] and set(raw) - {"for"} <= set(MANAGERS), name
        assert all(isinstance(p, str) and p for m in MANAGERS for p in raw.get(m, ())), name
        names = {n.lower() for n in raw["for"]}
        assert not names & seen, f"{name}: {names & seen} listed twice"
        seen |= names


@pytest.mark.parametrize(
    ("values", "manager", "wanted"),
    [
        ({"missing_program": "protoc"}, "apt", ("protobuf-compiler",)),
        ({"build_script_failed": "openssl-sys"}, "dnf", ("pkgconf-pkg-config", "openssl-devel")),
        ({"lib": "openssl"}, "apk", ("pkgconf", "openssl-dev")),
        ({"missing_library": "libz.so"}, "apt", ("zlib1g-dev",)),
        ({"header": "ffi.h"}, "brew", ("libffi",)),
        ({"missing_library": "libclang"}, "apt", ("libclang-dev",)),
        # nothing known: no install command, whatever the manager
        ({"missing_program": "frobnicate"}, "apt", ()),
        ({"missing_program": "protoc"}, "", ()),
    ],
)
def test_packages_for_what_the_log_names(values, manager, wanted):
    assert for_values(values, manager) == wanted
