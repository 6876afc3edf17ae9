"""The probe registry: every module in this folder, in the order reports show them.

A probe is one module here with `ID` (its module name), `TITLE`, `ORDER` (where reports list
it), `FACTS` (the fact names it may report, which knowledge fixes may use as placeholders)
and `probe(ctx) -> ProbeResult`. Adding one is adding its file: the folder is the registry.
Probes gather facts and name knowledge ids; they never print and never decide wording.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import Protocol

from pyo3_doctor.context import Context
from pyo3_doctor.model import ProbeResult


class Probe(Protocol):
    ID: str
    TITLE: str
    ORDER: int
    FACTS: tuple[str, ...]

    def probe(self, ctx: Context) -> ProbeResult: ...


def _discover() -> tuple[Probe, ...]:
    """The probe modules of this folder (not those starting with "_"), by ORDER."""
    names = sorted(
        entry[:-3]
        for entry in os.listdir(os.path.dirname(__file__))
        if entry.endswith(".py") and not entry.startswith("_")
    )
    modules = [import_module(f"{__name__}.{name}") for name in names]
    return tuple(sorted(modules, key=lambda m: m.ORDER))  # type: ignore[attr-defined]


ALL: tuple[Probe, ...] = _discover()
BY_ID: dict[str, Probe] = {p.ID: p for p in ALL}


def known_facts() -> set[str]:
    return {name for p in ALL for name in p.FACTS}
