"""Version specifiers (`>=1.0,<2.0`) as packaging reads them, mostly without packaging.

Importing packaging.specifiers compiles one large regex: 20M instructions, about 4 ms, more
than a check spends on all the project files. What pyproject.toml and the knowledge base
write is nearly always plain: clauses of <, <=, >, >=, == or != and a release number. For
those, and a final release to test, every packaging version agrees on a plain comparison,
so VersionSpec makes it here. Anything else (~=, wildcards, pre-releases on either side,
invalid text) goes to packaging's SpecifierSet, imported then. tests/kb/test_version_spec.py
holds the two to the same answers.
"""

from __future__ import annotations

import operator
import re

from packaging.version import Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

_PLAIN = re.compile(r"\s*(<=|>=|==|!=|<|>)\s*([0-9]+(?:\.[0-9]+)*)\s*")
_COMPARE = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


class VersionSpec:
    """A specifier set such as `>=1.0,<2.0`. Raises packaging's InvalidSpecifier (a
    ValueError) when the text is not one; empty text allows every version, and is falsy."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._clauses: list[tuple[str, Version]] | None = []
        self._packaging: SpecifierSet | None = None
        for clause in text.split(","):
            if not clause.strip():
                continue
            plain = _PLAIN.fullmatch(clause)
            bound = version_or_none(plain.group(2)) if plain else None
            if plain is None or bound is None:  # not plain, or a number too long for int()
                self._clauses = None
                self._packaging = _specifier_set(text)
                break
            self._clauses.append((plain.group(1), bound))

    def __bool__(self) -> bool:
        return bool(self._clauses) or bool(self._packaging)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"VersionSpec({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VersionSpec) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def bounds(self) -> list[Version]:
        """The versions its clauses name (`>=1.2,<2` gives 1.2 and 2)."""
        named = (version_or_none(t) for t in re.findall(r"\d[\w.]*", self.text))
        return [v for v in named if v is not None]

    def contains(self, version: str | Version, prereleases: bool | None = None) -> bool:
        """SpecifierSet(text).contains(version, prereleases), the same answer."""
        found = version if isinstance(version, Version) else version_or_none(version)
        if self._clauses is not None and found is not None and _final(found):
            return all(_COMPARE[op](found, bound) for op, bound in self._clauses)
        if self._packaging is None:
            self._packaging = _specifier_set(self.text)
        return self._packaging.contains(version, prereleases=prereleases)


def _final(version: Version) -> bool:
    """A plain release: no epoch, pre, post, dev or local part for the rules to treat apart."""
    return (
        not (version.epoch or version.pre or version.post is not None or version.dev is not None)
        and version.local is None
    )


def version_or_none(text: str) -> Version | None:
    """A version as packaging reads it, or None where it reads none (a ValueError: invalid, or
    a number too long for int())."""
    try:
        return Version(text)
    except ValueError:
        return None


def _specifier_set(text: str) -> SpecifierSet:
    from packaging.specifiers import SpecifierSet

    return SpecifierSet(text)
