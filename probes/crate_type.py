"""Crate type."""

from __future__ import annotations

from doctor.context import Context
from doctor.model import ProbeResult, Status

ID = "crate_type"
TITLE = "Crate type"
FACTS = (
    "crate_types",
    "crate_type_problem",
    "crate_type_file",
    "crate_type_value",
)


def probe(ctx: Context) -> ProbeResult:
    return ProbeResult(ID, Status.SKIP, "not implemented yet")
