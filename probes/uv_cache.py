"""Would uv notice a change to the Rust sources, or reinstall a cached old build?

uv rebuilds a local project only when a file named in `tool.uv.cache-keys` changed (by
default pyproject.toml, setup.py, setup.cfg). In a maturin project managed by uv (a uv.lock,
or a [tool.uv] table), the Rust sources and Cargo.toml must be among those keys.
"""

from __future__ import annotations

from fnmatch import fnmatch

from pyo3_doctor.context import Context
from pyo3_doctor.model import ProbeResult, judged, skipped, warn
from pyo3_doctor.project.loader import project, skip_reason, table

ID = "uv_cache"
ORDER = 125  # where reports list it
TITLE = "uv cache keys"
FACTS = ("uv_cache_keys",)

# A key covers the Rust side when it names Cargo.toml or a glob that takes a .rs file.
_RUST_FILES = ("src/lib.rs", "src/a/b.rs", "rust/src/lib.rs", "rust/src/a/b.rs", "x/src/x.rs")


def _covers_rust(keys: list) -> bool:
    files = [k.get("file") for k in keys if isinstance(k, dict) and isinstance(k.get("file"), str)]
    return any(f.endswith("Cargo.toml") for f in files) and any(
        fnmatch(path, glob) for glob in files for path in _RUST_FILES
    )


def probe(ctx: Context) -> ProbeResult:
    proj = project(ctx)
    reason = skip_reason(proj)
    if reason or proj.root is None:
        return skipped(ID, reason or "no project")
    uv = table(proj.pyproject, "tool", "uv")
    if not uv and not (proj.root / "uv.lock").is_file():
        return skipped(ID, "not a uv project (no uv.lock, no [tool.uv])")
    keys = uv.get("cache-keys")
    facts = {"uv_cache_keys": keys if isinstance(keys, list) else None}
    if isinstance(keys, list) and _covers_rust(keys):
        return judged(ID, "tool.uv.cache-keys name Cargo.toml and the Rust sources", facts)
    said = "tool.uv.cache-keys leave out the Rust sources" if keys else "no tool.uv.cache-keys"
    summary = f"{said}: uv sync may reinstall an old build after a Rust change"
    return judged(ID, summary, facts, (), [warn("uv-cached-stale-build")])
