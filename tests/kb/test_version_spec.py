"""VersionSpec answers as packaging's SpecifierSet does, and plain ones never import it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from support import fresh_python

from pyo3_doctor.kb.version_spec import VersionSpec

release = st.lists(st.integers(0, 12), min_size=1, max_size=4).map(
    lambda parts: ".".join(map(str, parts))
)
suffix = st.sampled_from(["", "", "", "a1", "b2", "rc1", ".post1", ".dev0", "+local", "!"])
version = st.builds(
    lambda r, s: f"1!{r}" if s == "!" else r + s, release, suffix
)  # finals, mostly; pre, post, dev, local and epoch releases go to packaging
operator = st.sampled_from(["<", "<=", ">", ">=", "==", "!=", "~=", "==="])
clause = st.builds(
    lambda op, space, v, star: f"{op}{space}{v}{star}",
    operator,
    st.sampled_from(["", " "]),
    version,
    st.sampled_from(["", "", "", ".*"]),
)
spec_text = st.lists(clause, max_size=3).map(", ".join) | st.sampled_from(
    ["", ",", ">=1.0,", "garbage", ">=", "1.0", ">=" + "9" * 5000]  # past int()'s digit limit
)


@settings(max_examples=400, deadline=None)
@given(spec_text, version)
def test_the_same_answer_as_specifierset(text, tested):
    try:
        expected = SpecifierSet(text)
    except InvalidSpecifier:
        with pytest.raises(ValueError):
            VersionSpec(text)
        return
    spec = VersionSpec(text)
    assert bool(spec) == bool(expected)
    for prereleases in (None, False, True):
        mine = outcome(spec.contains, tested, prereleases)
        assert mine == outcome(expected.contains, tested, prereleases), (text, tested, prereleases)


def outcome(contains, *args) -> object:
    """What contains() answers, or the type of error it raises (a number past int()'s limit)."""
    try:
        return contains(*args)
    except ValueError as exc:
        return type(exc)


@pytest.mark.parametrize(
    ("text", "tested", "inside"),
    [
        (">=1.0,<2.0", "1.16.0", True),
        (">=1.0, <2.0", "2.0", False),
        (">= 3.9", "3.8.99", False),
        ("==1.0", "1.0.0", True),
        ("!=1.5", "1.5.0", False),
        ("", "0.1", True),
    ],
)
def test_plain_specifiers_never_import_packaging_specifiers(text, tested, inside):
    code = (
        "import sys; from pyo3_doctor.kb.version_spec import VersionSpec\n"
        f"print(VersionSpec({text!r}).contains({tested!r}), 'packaging.specifiers' in sys.modules)"
    )
    assert fresh_python(code).split() == [str(inside), "False"]
