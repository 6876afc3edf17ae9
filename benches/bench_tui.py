"""How soon the interactive app shows its first screen, and whether rows fill in as they finish.

Runs the real app in tmux (100x30) in a small PyO3 project and polls the screen every 5 ms:
the time until every check's title is on screen (the first paint), each time the number of
finished rows goes up, and the time until all are done. Then presses q.

    python benches/bench_tui.py [--runs 5]

Target: first paint within 0.5 s; rows finish one by one, not all at the end.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import PROJECT
from installed import Install, compiled_env, installed

TITLES = ("Project files", "Rust toolchain", "C linker", "Built extension")


def screen(session: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-t", session, "-p"], capture_output=True, text=True, check=False
    ).stdout


def one_run(root: Path, session: str, install: Install) -> tuple[float, list[float], float]:
    start = time.perf_counter()
    subprocess.run(
        [
            "tmux",
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "100",
            "-y",
            "30",
            "-c",
            str(root),
            shlex.join(install.command()),
        ],
        check=True,
    )
    first, steps, last_count = None, [], -1
    while time.perf_counter() - start < 30:
        text = screen(session)
        now = time.perf_counter() - start
        if first is None and all(t in text for t in TITLES):
            first = now
        if first is not None:
            running = text.count("checking…")
            if running != last_count:
                steps.append(now)
                last_count = running
            if running == 0 and "checking" not in text:
                break
        time.sleep(0.005)
    done = time.perf_counter() - start
    subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=False)
    time.sleep(0.3)
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
    return first or float("nan"), steps, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is needed for this benchmark")
        return 2
    # bytecode for the TUI's own modules, as pip would have compiled it
    warm = "import pyo3_doctor.tui.app, pyo3_doctor.cli.main, pyo3_doctor.engine"
    firsts, dones, updates = [], [], []
    with tempfile.TemporaryDirectory() as tmp, installed() as install:
        print(f"pyo3-doctor ({install.kind})")
        subprocess.run([install.python, "-c", warm], env=compiled_env(), check=True)
        root = Path(tmp)
        for rel, text in PROJECT.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        for i in range(args.runs):
            first, steps, done = one_run(root, f"bench-tui-{i}", install)
            firsts.append(first)
            dones.append(done)
            updates.append(len(steps))
    print(
        f"first paint (every title on screen): median {statistics.median(firsts):.2f} s, "
        f"worst {max(firsts):.2f} s   (target <= 0.5 s)"
    )
    print(f"all checks finished:                 median {statistics.median(dones):.2f} s")
    print(
        f"distinct screens while rows fill in: median {statistics.median(updates):.0f} "
        "(1 would mean all at the end)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
