"""The parsed knowledge cache: same tables as parsing, and any trouble with it means parsing."""

from __future__ import annotations

import json

import pytest
from platformdirs import user_cache_dir
from support import run_cli

from pyo3_doctor import about
from pyo3_doctor.engine import knowledge_base
from pyo3_doctor.kb import entries as knowledge
from pyo3_doctor.kb import files as kbfiles
from pyo3_doctor.kb import versions
from pyo3_doctor.system.tomlfile import parse_toml


def _forget() -> None:
    for cached in (kbfiles.files, kbfiles.parsed, knowledge.load, versions.policy):
        cached.cache_clear()
    kbfiles.knowledge_version.cache_clear()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh user cache folder; the process-wide caches are emptied before and after."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _forget()
    yield tmp_path / "cache" / "pyo3-doctor" / kbfiles.CACHE_NAME
    _forget()


def _fresh() -> dict[str, dict]:
    folder = kbfiles.KNOWLEDGE_DIR
    return {p.name: parse_toml(p.read_text("utf-8")) for p in folder.glob("*.toml")}


@pytest.mark.parametrize("xdg", [None, "", "/somewhere/cache"])
def test_the_cache_folder_is_the_one_platformdirs_names(monkeypatch, xdg):
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert str(about.user_dir("cache")) == user_cache_dir("pyo3-doctor", appauthor=False)


def test_a_first_run_parses_and_stores_what_a_second_reads(cache):
    assert not cache.exists()
    assert kbfiles.parsed() == _fresh()
    stored = json.loads(cache.read_bytes())
    assert stored["files"] == _fresh()
    assert stored["key"] == kbfiles.cache_key()
    assert f"{kbfiles.checksum():08x}" in stored["key"]
    # The next run believes the cache: a marked copy under the same key is what it reads.
    stored["files"]["doctor.toml"]["probe-crash"]["title"] = "from the cache"
    cache.write_text(json.dumps(stored))
    _forget()
    assert knowledge_base()["probe-crash"].title == "from the cache"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\xff garbage \x80",
        b'{"key": "pyo3-doctor 0.0.0 00000000", "files": {}}',  # another knowledge base
        b'{"key": 3}',
        b"[1, 2]",
        b"[" * 100_000 + b"]" * 100_000,  # deeper than the JSON reader goes
        b'{"key": "KEY", "files": {"build.toml": {}}}',  # the right key, files missing
    ],
    ids=["empty", "binary", "stale", "bad-key", "not-an-object", "deep", "partial"],
)
def test_a_bad_or_stale_cache_is_parsed_again_and_replaced(cache, content):
    cache.parent.mkdir(parents=True)
    cache.write_bytes(content.replace(b"KEY", kbfiles.cache_key().encode()))
    assert kbfiles.parsed() == _fresh()
    assert json.loads(cache.read_bytes())["files"] == _fresh()


def test_a_cache_with_the_right_key_but_not_tables_is_parsed_again(cache):
    wrong = {name: {} for name in kbfiles.files()}
    wrong["build.toml"] = 3
    cache.parent.mkdir(parents=True)
    cache.write_text(json.dumps({"key": kbfiles.cache_key(), "files": wrong}))
    assert kbfiles.parsed() == _fresh()


def test_a_cache_folder_that_cannot_be_written_only_costs_the_parse(cache):
    cache.parent.parent.mkdir(parents=True)
    cache.parent.write_text("a file where the cache folder should be")
    assert kbfiles.parsed() == _fresh()
    assert versions.policy().newest.series
    assert kbfiles.knowledge_version().endswith(f"+{kbfiles.checksum():08x}")


def test_the_cli_runs_the_same_with_no_usable_cache_folder(tmp_path):
    (tmp_path / "cache").write_text("not a folder")
    listed = run_cli("knowledge", "--json", home=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "linker-missing" in listed.stdout
    assert listed.stderr == ""
