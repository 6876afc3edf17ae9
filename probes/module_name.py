"""Module name."""

from __future__ import annotations

from doctor.context import Context
from doctor.model import ProbeResult, Status

ID = "module_name"
TITLE = "Module name"
FACTS = (
    "module_name",
    "module_name_source",
    "module_name_file",
    "module_name_key",
    "module_place",
    "layout",
    "python_source_dir",
    "pymodule_name",
    "pymodule_name_value",
    "pymodule_item",
    "pymodule_location",
    "rust_diff",
    "toml_diff",
    "module_name_fix_file",
    "module_name_fix_key",
    "module_name_fixed",
    "unknown_key",
    "known_key",
    "bindings",
)


def probe(ctx: Context) -> ProbeResult:
    return ProbeResult(ID, Status.SKIP, "not implemented yet")
