"""PyO3 and Python compatibility."""

from __future__ import annotations

from doctor.context import Context
from doctor.model import ProbeResult, Status

ID = "pyo3_compat"
TITLE = "PyO3 and Python compatibility"
FACTS = (
    "abi3_feature",
    "abi3_min_python",
    "abi3_problem",
    "abi3_suggested",
    "requires_python",
)


def probe(ctx: Context) -> ProbeResult:
    return ProbeResult(ID, Status.SKIP, "not implemented yet")
