"""The probe registry: every probe, in the order reports show them.

A probe is a module with `ID` (its module name), `TITLE`, `FACTS` (the fact names it may
report, which knowledge fixes may use as placeholders) and `probe(ctx) -> ProbeResult`.
Probes gather facts and name knowledge ids; they never print and never decide wording.
"""

from __future__ import annotations

from typing import Protocol

from doctor.context import Context
from doctor.model import ProbeResult
from probes import (
    artifact,
    crate_type,
    extension_module,
    linker,
    maturin,
    module_name,
    project,
    pyo3_compat,
    python,
    python_dev,
    rust,
    virtualenv,
)


class Probe(Protocol):
    ID: str
    TITLE: str
    FACTS: tuple[str, ...]

    def probe(self, ctx: Context) -> ProbeResult: ...


ALL: tuple[Probe, ...] = (
    project,
    rust,
    linker,
    python,
    python_dev,
    maturin,
    virtualenv,
    module_name,
    crate_type,
    pyo3_compat,
    extension_module,
    artifact,
)
BY_ID: dict[str, Probe] = {p.ID: p for p in ALL}


def title(probe_id: str) -> str:
    """The title reports show for a probe (its id when it is not registered, as in tests)."""
    probe = BY_ID.get(probe_id)
    return probe.TITLE if probe is not None else probe_id


def known_facts() -> set[str]:
    return {name for p in ALL for name in p.FACTS}
