"""Parse errors name the same line and column whichever TOML parser this Python has."""

from __future__ import annotations

import pytest

from pyo3_doctor.system import tomlfile

BROKEN = ["version = \n", "a = 1\n= 2\n", "a = @\n", '[x]\ny = "unterminated\n']


@pytest.mark.parametrize("text", BROKEN)
def test_tomlkit_fallback_reports_the_position_tomllib_reports(text, monkeypatch):
    tomllib = pytest.importorskip("tomllib")
    with pytest.raises(tomlfile.TomlError) as native:
        tomlfile.parse_toml(text, "f.toml")
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    # what Python 3.9 and 3.10 run: tomlkit, whose columns count from 0
    monkeypatch.setattr(tomlfile, "_toml", None)
    monkeypatch.setattr(tomlfile, "_DecodeError", Exception)
    with pytest.raises(tomlfile.TomlError) as fallback:
        tomlfile.parse_toml(text, "f.toml")
    assert (fallback.value.line, fallback.value.column) == (native.value.line, native.value.column)
    assert native.value.column >= 1 and "line" not in fallback.value.message
