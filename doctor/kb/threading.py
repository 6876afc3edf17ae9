"""knowledge/threading.toml, typed: code that relies on the GIL, and what it does without one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from re import Pattern

from pyo3_doctor.kb.entries import KnowledgeError
from pyo3_doctor.kb.files import parsed
from pyo3_doctor.kb.migrations import compiled

KEYS = {"pattern", "effect", "says", "guide"}
EFFECTS = ("breaks", "races", "panics")  # worst first


@dataclass(frozen=True)
class GilReliance:
    id: str
    pattern: Pattern[str]
    effect: str  # one of EFFECTS
    says: str
    guide: str


@lru_cache(maxsize=1)
def reliances() -> tuple[GilReliance, ...]:
    found = []
    for rule_id, raw in parsed().get("threading.toml", {}).items():
        where = f"threading.toml [{rule_id}]"
        if not isinstance(raw, dict) or set(raw) != KEYS or raw["effect"] not in EFFECTS:
            raise KnowledgeError(f"{where}: pattern, effect ({', '.join(EFFECTS)}), says, guide")
        pattern = compiled(where, raw["pattern"])
        found.append(GilReliance(rule_id, pattern, raw["effect"], str(raw["says"]), raw["guide"]))
    return tuple(sorted(found, key=lambda r: EFFECTS.index(r.effect)))
