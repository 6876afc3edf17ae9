"""Built extension."""

from __future__ import annotations

from doctor.context import Context
from doctor.model import ProbeResult, Status

ID = "artifact"
TITLE = "Built extension"
FACTS = (
    "artifact_path",
    "artifact_kind",
    "expected_symbol",
    "import_name",
    "import_error",
    "newest_source",
    "python_package_dir",
    "shadow_dir",
)


def probe(ctx: Context) -> ProbeResult:
    return ProbeResult(ID, Status.SKIP, "not implemented yet")
