"""extension-module and linking."""

from __future__ import annotations

from doctor.context import Context
from doctor.model import ProbeResult, Status

ID = "extension_module"
TITLE = "extension-module and linking"
FACTS = (
    "extension_module_source",
    "extension_module_reason",
    "maturin_extension_env_since",
    "pyo3_rust_targets",
    "extension_module_fix",
    "extension_module_fix_text",
    "maturin_build_version",
    "spurious_warning",
    "spurious_reason",
    "spurious_fixed_in",
)


def probe(ctx: Context) -> ProbeResult:
    return ProbeResult(ID, Status.SKIP, "not implemented yet")
