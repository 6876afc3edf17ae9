"""The package's rooms and the order they may import each other in, read from the source.

Every module's imports (at the top, inside functions, under TYPE_CHECKING) are collected with
ast. A room may import only rooms below it and itself, siblings of one rank do not import each
other, and no chain of imports leads back to the module it starts from. docs/architecture.md
draws the same picture.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, clean_env

# The folders that install as the package (pyproject.toml [tool.setuptools.package-dir]).
FOLDERS = {
    "pyo3_doctor": "doctor",
    "pyo3_doctor.probes": "probes",
    "pyo3_doctor.knowledge": "knowledge",
}
CORE = {"about", "model", "context", "textsafe", "exits"}
# Low to high; a room may import those before it. Rooms on one rank are independent.
RANKS = (
    {"core"},
    {"system"},
    {"kb"},
    {"project"},
    {"machine"},
    {"probes"},
    {"engine"},
    {"diagnosis", "fixing"},
    {"render"},
    {"tui"},
    {"cli"},
)
# Modules and data packages that belong to a room of another name.
IN_ROOM = {"knowledge": "kb", "schema": "render", "launch": "cli", "__main__": "cli"}
RANK = {room: i for i, rooms in enumerate(RANKS) for room in rooms}


def modules() -> dict[str, Path]:
    found = {}
    for package, folder in FOLDERS.items():
        for path in sorted((REPO / folder).rglob("*.py")):
            parts = list(path.relative_to(REPO / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            name = ".".join([package, *parts])
            if package == "pyo3_doctor" and parts[:1] in (["probes"], ["knowledge"]):
                continue
            found[name] = path
    return found


MODULES = modules()


def imports(name: str, path: Path) -> set[str]:
    """The package's modules that `name` imports, wherever in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            submodules = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES]
            targets = submodules if len(submodules) == len(node.names) else [*submodules, base]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: imports(name, path) for name, path in MODULES.items()}


def room(name: str) -> str:
    parts = name.split(".")
    if len(parts) == 1:
        return "core"
    return "core" if parts[1] in CORE else IN_ROOM.get(parts[1], parts[1])


def test_every_module_is_in_a_room():
    assert {room(m) for m in MODULES} <= set(RANK), {room(m) for m in MODULES} - set(RANK)


def test_rooms_import_only_rooms_below_them():
    wrong = sorted(
        f"{module} ({room(module)}) imports {target} ({room(target)})"
        for module, targets in GRAPH.items()
        for target in targets
        if room(target) != room(module) and RANK[room(target)] >= RANK[room(module)]
    )
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    # Tarjan's strongly connected components over the module graph
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in GRAPH:
        if node not in index:
            visit(node)
    assert not cycles, cycles


def test_no_more_than_ten_modules_in_the_core():
    direct = [m for m in MODULES if m.count(".") == 1 and room(m) == "core"]
    assert len(direct) <= 10, direct


@pytest.mark.parametrize(
    ("args", "banned"),
    [
        (["--json"], ("textual", "rich")),
        (["check"], ("textual",)),
        (["diagnose", "--no-probes", "-"], ("textual",)),
        (["diagnose", "--no-probes", "--json", "-"], ("textual", "rich")),
    ],
)
def test_headless_paths_never_import_the_tui(args, banned, tmp_path):
    code = (
        "import sys\nfrom pyo3_doctor.cli.main import main\nmain(sys.argv[1:])\n"
        "tops = {m.split('.')[0] for m in sys.modules}\n"
        "sys.stderr.write('\\nLOADED ' + ' '.join(sorted(tops)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=tmp_path,
        env=clean_env(HOME=str(tmp_path)),
        input="error: linker `cc` not found\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    loaded = set(proc.stderr.rpartition("LOADED ")[2].split())
    assert loaded, proc.stderr
    assert not loaded & set(banned), loaded & set(banned)


def test_the_architecture_notes_name_every_room_and_module():
    notes = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = []
    for path in (REPO / "doctor").rglob("*.py"):
        if path.parent.name in ("screens", "widgets"):  # one per file, named for what it shows
            continue
        named = f"{path.name}`" in notes or f"{path.name}," in notes
        if path.name not in ("__init__.py", "__main__.py") and not named:
            missing.append(str(path.relative_to(REPO)))
    for folder in (REPO / "doctor").iterdir():
        if folder.is_dir() and folder.name != "__pycache__" and f"{folder.name}/" not in notes:
            missing.append(f"{folder.name}/")
    assert not missing, missing
