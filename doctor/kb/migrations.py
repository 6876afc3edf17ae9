"""knowledge/migrations.toml, typed: what each PyO3 release renames or removes in user code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from re import Pattern

from packaging.version import Version

from pyo3_doctor.kb.entries import KnowledgeError
from pyo3_doctor.kb.files import parsed

KEYS = {"series", "pattern", "says", "rename", "guide"}
GUIDE = "https://pyo3.rs/latest/migration.html"


@dataclass(frozen=True)
class Migration:
    id: str
    series: str  # the release that changes it
    pattern: Pattern[str]
    says: str
    rename: tuple[str, str] | None  # a mechanical edit of the matched text, when there is one
    guide: str  # the migration guide's section

    @property
    def url(self) -> str:
        return f"{GUIDE}#{self.guide}" if self.guide else GUIDE


def compiled(where: str, pattern: object) -> Pattern[str]:
    """A rule's line pattern, or the knowledge error that names the rule."""
    try:
        return re.compile(str(pattern))
    except re.error as exc:
        raise KnowledgeError(f"{where}: bad regex: {exc}") from None


@lru_cache(maxsize=1)
def migrations() -> tuple[Migration, ...]:
    found = []
    for rule_id, raw in parsed().get("migrations.toml", {}).items():
        where = f"migrations.toml [{rule_id}]"
        if (
            not isinstance(raw, dict)
            or set(raw) - KEYS
            or not {"series", "pattern", "says"} <= set(raw)
        ):
            raise KnowledgeError(f"{where}: series, pattern, says, and optionally rename, guide")
        rename = raw.get("rename")
        if rename is not None and not (isinstance(rename, list) and len(rename) == 2):
            raise KnowledgeError(f"{where}: rename is [old, new]")
        pattern = compiled(where, raw["pattern"])
        found.append(
            Migration(
                rule_id,
                str(raw["series"]),
                pattern,
                str(raw["says"]),
                (str(rename[0]), str(rename[1])) if rename else None,
                str(raw.get("guide", "")),
            )
        )
    return tuple(sorted(found, key=lambda m: Version(m.series)))


def crossed(current: Version, target: Version) -> tuple[Migration, ...]:
    """The rules an upgrade from `current` to `target` enters."""
    return tuple(m for m in migrations() if current < Version(m.series) <= target)
