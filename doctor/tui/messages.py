"""What the app's workers and screens tell each other, in the past tense.

Workers run in threads and may only post messages (thread-safe); handlers on the UI thread
update the widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from pyo3_doctor.model import Finding, ProbeResult

if TYPE_CHECKING:
    from pyo3_doctor.fixing.steps import Outcome
    from pyo3_doctor.tui.backend import Diagnosis


@dataclass
class ProbesStarted(Message):
    """A run began; these rows now show the running indicator."""

    run: int
    probe_ids: tuple[str, ...]


@dataclass
class ProbeFinished(Message):
    """One probe of a run answered (or crashed, or timed out)."""

    run: int
    result: ProbeResult


@dataclass
class ProbesFinished(Message):
    """Every probe of a run has answered."""

    run: int


@dataclass
class FixOutputReceived(Message, bubble=False):
    """A chunk of live output from a running fix command."""

    chunk: str


@dataclass
class FixCancelled(Message):
    """The user declined the fix; nothing was changed."""

    finding_id: str


@dataclass
class FixApplied(Message):
    """A confirmed fix ran (successfully or not)."""

    finding: Finding
    outcome: Outcome


@dataclass
class FixChosen(Message):
    """The user picked a fix step (enter or click) to apply."""

    finding: Finding
    step_index: int


@dataclass
class PasteDiagnosed(Message, bubble=False):
    """A pasted text was matched; `diagnosis` is None when it could not be."""

    generation: int
    diagnosis: Diagnosis | None
    error: str = ""


@dataclass
class FixRechecked(Message):
    """The probes a fix names ran again; `fixed` says whether its finding is gone."""

    finding_id: str
    fixed: bool
