"""`rustc -vV`, run once per run in the project directory (so rust-toolchain.toml applies)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from packaging.version import Version

from pyo3_doctor.context import Context
from pyo3_doctor.kb.version_spec import version_or_none
from pyo3_doctor.model import Evidence
from pyo3_doctor.project.loader import project
from pyo3_doctor.system.files import read_text_bounded
from pyo3_doctor.system.proc import run_tool


@dataclass(frozen=True)
class Rustc:
    """The rustc on PATH and what `rustc -vV` said about it."""

    evidence: Evidence
    version: Version | None  # None: missing, failed or unparsable
    release: str  # "1.95.0", "1.96.0-nightly"
    host: str  # "x86_64-unknown-linux-gnu"
    channel: str  # "stable", "beta", "nightly", "dev"

    @property
    def found(self) -> bool:
        return self.evidence.exit_code is not None


def rust_env(env: Mapping[str, str]) -> dict[str, str]:
    """The environment for asking rustc and cargo: rustup must not download a toolchain that
    a rust-toolchain.toml names, whatever the user's RUSTUP_AUTO_INSTALL says (checks never
    download anything; the rust check reads the user's setting to judge what a build does)."""
    return {**env, "RUSTUP_AUTO_INSTALL": "0"}


def parse_rustc_vv(output: str) -> tuple[str, str]:
    release = re.search(r"^release:\s*(\S+)", output, re.M)
    host = re.search(r"^host:\s*(\S+)", output, re.M)
    return (release.group(1) if release else "", host.group(1) if host else "")


def pinned_argv(ctx: Context, tool: str, *args: str) -> list[str]:
    """How to ask rustc or cargo what a build in the project gets. Run away from the project
    (--no-exec), rustup does not see its pin, so the pinned toolchain is named (a validated
    name; RUSTUP_AUTO_INSTALL=0 keeps rustup from installing it)."""
    pinned = toolchain_override(ctx)[0] if ctx.no_exec else ""
    return [tool, f"+{pinned}", *args] if pinned else [tool, *args]


def inspect(ctx: Context) -> Rustc:
    cwd = ctx.tool_cwd or project(ctx).root
    argv = pinned_argv(ctx, "rustc", "-vV")
    ran = run_tool(argv, rust_env(ctx.env), cwd=str(cwd) if cwd else None)
    release, host = parse_rustc_vv(ran.output) if ran.exit_code == 0 else ("", "")
    version = None
    channel = ""
    if release:
        base, _, pre = release.partition("-")
        channel = pre.split(".")[0] if pre else "stable"
        version = version_or_none(base)
    return Rustc(ran, version, release, host, channel)


def rustc(ctx: Context) -> Rustc:
    return ctx.shared("rustc", inspect)


def pointer_bits(triple: str) -> int | None:
    arch = triple.split("-")[0]
    if arch in (
        "x86_64",
        "aarch64",
        "arm64",
        "powerpc64",
        "powerpc64le",
        "s390x",
        "riscv64gc",
        "loongarch64",
        "mips64",
        "mips64el",
        "sparc64",
    ):
        return 64
    if arch in (
        "i686",
        "i586",
        "i386",
        "x86",
        "arm",
        "armv7",
        "thumbv7neon",
        "mips",
        "mipsel",
        "powerpc",
        "riscv32gc",
        "wasm32",
    ) or arch.startswith("armv"):
        return 32
    return None


# stable, 1.80, 1.80.1, nightly-2024-05-01, stable-x86_64-unknown-linux-gnu, a custom name
TOOLCHAIN_NAME = re.compile(r"[A-Za-z0-9][\w.+-]{0,79}")


def toolchain_override(ctx: Context) -> tuple[str, str]:
    """The toolchain rustup is told to use here, and by what ("" when its default applies).

    rustup's order: RUSTUP_TOOLCHAIN, then rust-toolchain.toml / rust-toolchain in the
    directory or a parent (a `rustup override` is not visible without running rustup).
    """
    if ctx.env.get("RUSTUP_TOOLCHAIN"):
        return ctx.env["RUSTUP_TOOLCHAIN"], "RUSTUP_TOOLCHAIN"
    start = project(ctx).root or ctx.cwd
    for folder in (start, *start.parents):
        for name in ("rust-toolchain", "rust-toolchain.toml"):
            path = folder / name
            # a link may point anywhere (/proc/self/environ): only a file of the folder is read
            if path.is_symlink() or not path.is_file():
                continue
            text = read_text_bounded(path, 4096)
            if text is None:
                continue
            found = re.search(r'^\s*channel\s*=\s*"([^"]+)"', text, re.M)
            channel = (
                found.group(1) if found else text.strip().splitlines()[0] if text.strip() else ""
            )
            # rustup takes only a toolchain name; anything else is not repeated in a report
            return (channel if TOOLCHAIN_NAME.fullmatch(channel) else ""), str(path)
    return "", ""


# channels a pin may move to; a nightly (dated or not) is no place to move a project to
_MOVABLE_CHANNELS = ("stable", "beta")


def _toolchain_version(ctx: Context, name: str) -> Version | None:
    """The rustc version of an installed toolchain: from its name when it is a release
    (`1.95.0-x86_64-...`), else from its rustc (`rustc +stable -V`)."""
    numbered = re.match(r"(\d+\.\d+(?:\.\d+)?)(?:-|$)", name)
    if numbered:
        return version_or_none(numbered.group(1))
    if not name.startswith(_MOVABLE_CHANNELS):
        return None
    ran = run_tool(["rustc", f"+{name}", "-V"], rust_env(ctx.env), cwd=ctx.tool_cwd)
    found = re.match(r"rustc (\d+\.\d+\.\d+)", ran.output) if ran.exit_code == 0 else None
    return version_or_none(found.group(1)) if found else None


def installed_fit(ctx: Context, minimum: Version, host: str) -> str:
    """The installed rustup toolchain to pin instead of one older than `minimum`, as a pin
    names it (`1.95.0`, host left out): the oldest release new enough, else stable or beta.
    "" when none is (or rustup is not there); nothing is downloaded."""
    ran = run_tool(["rustup", "toolchain", "list"], rust_env(ctx.env), cwd=ctx.tool_cwd)
    if ran.exit_code != 0:
        return ""
    names = [line.split()[0] for line in ran.output.splitlines() if line.strip()]
    fits = []
    for name in names:
        version = _toolchain_version(ctx, name)
        if version is not None and version >= minimum:
            released = bool(re.match(r"\d", name))
            fits.append((not released, version if released else Version("0"), name))
    if not fits:
        return ""
    name = min(fits)[2]
    return name[: -len(host) - 1] if host and name.endswith(f"-{host}") else name
