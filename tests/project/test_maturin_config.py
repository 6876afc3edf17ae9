"""pyproject.toml against maturin's types, held to what real maturin refuses; Cargo's version
requirements against real cargo; and where a key sits in a file."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from support import write_project

from pyo3_doctor.project.maturin_config import CARGO_TOML, refused
from pyo3_doctor.project.semver_req import requirement_error
from pyo3_doctor.system.tomlfile import parse_toml
from pyo3_doctor.system.tomlkeys import key_position

BASE = '[build-system]\nrequires = ["maturin>=1.0,<2.0"]\nbuild-backend = "maturin"\n'
PROJECT = '[project]\nname = "cfgdemo"\nversion = "0.1.0"\n'
TOOL = BASE + PROJECT + "[tool.maturin]\n"
# (pyproject.toml, what maturin says, or "" where it takes the file)
PYPROJECTS = {
    "no build-system": (PROJECT, "missing field `build-system`"),
    "features as a string": (
        TOOL + 'features = "pyo3/extension-module"\n',
        'invalid type: string "pyo3/extension-module", expected a sequence',
    ),
    "a conditional feature": (
        TOOL + 'features = [{ feature = "pyo3/abi3-py311", python-version = ">=3.11" }]\n',
        "",
    ),
    "a feature table without feature": (
        TOOL + "features = [{ x = 1 }]\n",
        "data did not match any variant of untagged enum FeatureSpec",
    ),
    "strip as a string": (
        TOOL + 'strip = "yes"\n',
        'invalid type: string "yes", expected a boolean',
    ),
    "unknown bindings": (TOOL + 'bindings = "pyo4"\n', "unknown variant `pyo4`"),
    "a platform tag maturin cannot read": (
        TOOL + 'compatibility = "bogus"\n',
        "invalid manylinux option",
    ),
    "a platform tag": (TOOL + 'compatibility = "musllinux_1_2"\n', ""),
    "manylinux as a number": (TOOL + "manylinux = 2014\n", "expected a string"),
    "python-source as a number": (TOOL + "python-source = 1\n", "expected path string"),
    "include patterns": (
        TOOL + 'include = [{ path = "a", format = "sdist" }, { path = "b", format = ["wheel"] }]\n',
        "",
    ),
    "an include format maturin has not": (
        TOOL + 'include = [{ path = "a", format = "zip" }]\n',
        "untagged enum GlobPattern",
    ),
    "a key maturin does not know": (TOOL + 'sdist-include = ["x"]\n', ""),
    "requires as a string": (
        '[build-system]\nrequires = "maturin"\n' + PROJECT,
        "expected a sequence",
    ),
    "no requires": (
        '[build-system]\nbuild-backend = "maturin"\n' + PROJECT,
        "missing field `requires`",
    ),
    "a project without a name": (BASE + '[project]\nversion = "1"\n', "missing field `name`"),
    "an author with no name or email": (
        BASE + PROJECT + "authors = [{}]\n",
        "a table with 'name' and/or 'email' keys",
    ),
    "urls as a list": (BASE + PROJECT + 'urls = ["x"]\n', "invalid type: sequence, expected a map"),
    "a target's kind": (
        BASE + PROJECT + '[[tool.maturin.targets]]\nname = "cfgdemo"\nkind = "exe"\n',
        "unknown variant `exe`",
    ),
}


@pytest.mark.parametrize("text,said", PYPROJECTS.values(), ids=PYPROJECTS.keys())
def test_what_maturins_types_refuse(text, said):
    problems = refused(parse_toml(text))
    if said:
        assert problems and said in problems[0].message, problems
    else:
        assert problems == []


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("maturin"), reason="needs maturin")
def test_real_maturin_refuses_the_same_files(tmp_path):
    root = write_project(
        tmp_path / "cfgdemo",
        {
            "Cargo.toml": '[package]\nname = "cfgdemo"\nversion = "0.1.0"\nedition = "2021"\n'
            '[lib]\ncrate-type = ["cdylib"]\n',
            "src/lib.rs": "",
        },
    )
    env = {**os.environ, "CARGO_TARGET_DIR": str(tmp_path / "target")}
    disagree = []
    for name, (text, said) in PYPROJECTS.items():
        (root / "pyproject.toml").write_text(text)
        ran = subprocess.run(
            ["maturin", "sdist", "-o", str(tmp_path / "out")],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        refuses = "pyproject.toml at" in ran.stderr and "is invalid" in ran.stderr
        if refuses != bool(said) or (said and said not in ran.stderr):
            disagree.append((name, ran.stderr[-400:]))
    assert disagree == []


def test_what_maturin_reads_of_cargo_toml():
    assert [p.message for p in refused({"workspace": {}}, CARGO_TOML)] == [
        "missing field `package`"
    ]
    wrong = refused({"package": {"name": "x"}, "lib": {"crate-type": "cdylib"}}, CARGO_TOML)
    assert [(p.keys, p.message) for p in wrong] == [
        (("lib", "crate-type"), 'invalid type: string "cdylib", expected a sequence')
    ]


REQUIREMENTS = {
    "0.27": None,
    "=0.26.0": None,
    ">=0.20, <0.30": None,
    "0.2.*": None,
    "*": None,
    "1.x": None,
    "~0.27": None,
    "0.27.0-alpha.1": None,
    "0.2x": "expected comma after minor version number, found 'x'",
    "": "unexpected end of input while parsing major version number",
    "v0.27": "unexpected character 'v' while parsing major version number",
    "0.27 0.28": "expected comma after minor version number, found '0'",
    "0.027": "invalid leading zero in minor version number",
    "^0.27,": "unexpected end of input while parsing major version number",
    "0.27.*.1": "expected comma after patch version number, found '.'",
    "*, 1": "wildcard req (*) must be the only comparator in the version req",
    "1.*.3": "unexpected character after wildcard in version req",
}


@pytest.mark.parametrize("text,said", REQUIREMENTS.items(), ids=list(REQUIREMENTS))
def test_version_requirements_as_semver_reads_them(text, said):
    assert requirement_error(text) == said


@pytest.mark.skipif(not shutil.which("cargo"), reason="needs cargo")
def test_real_cargo_reads_the_same_requirements(tmp_path):
    write_project(tmp_path, {"src/lib.rs": ""})
    disagree = []
    for text, said in REQUIREMENTS.items():
        (tmp_path / "Cargo.toml").write_text(
            '[package]\nname = "t"\nversion = "0.1.0"\nedition = "2021"\n'
            f"[dependencies]\npyo3 = {_toml_string(text)}\n"
        )
        ran = subprocess.run(
            ["cargo", "metadata", "--no-deps", "--offline", "--format-version", "1"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        told = ran.stderr.strip().splitlines()[-1].strip() if ran.returncode else None
        if told != said:
            disagree.append((text, told, said))
    assert disagree == []


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


FILE = """\
[build-system]
requires = ["maturin>=1.0,<2.0"]

[project]
name = "x"
description = \"\"\"
not [a] = table
\"\"\"
classifiers = [
    "a",
]

[tool.maturin]
features = "pyo3/extension-module"
"module-name" = 'x'
sbom.rust = "yes"

[tool.other]
inline = { deep = { key = 1 } }
"""


@pytest.mark.parametrize(
    "keys,where",
    [
        (("tool", "maturin", "features"), (14, 12)),
        (("tool", "maturin", "module-name"), (15, 17)),
        (("tool", "maturin", "sbom", "rust"), (16, 13)),
        (("build-system", "requires"), (2, 12)),
        (("project", "dynamic"), (4, 1)),  # not written: its table
        (("nothing",), (1, 1)),  # not written, and no table: the top
        (("tool", "other", "inline", "deep", "key"), (19, 27)),
    ],
)
def test_where_a_key_is_written(keys, where):
    assert key_position(FILE, keys) == where
    line, column = where
    if keys != ("nothing",) and keys[-1] != "dynamic":
        assert FILE.splitlines()[line - 1][column - 1] in "\"'{1["
