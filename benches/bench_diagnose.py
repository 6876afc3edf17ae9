"""`pyo3-doctor diagnose` on big build logs against one `grep -E -i 'error|warning|panicked'`.

Generates realistic logs (cargo/pip/pytest noise with ANSI colours and GitHub Actions
timestamps, about 2% warning/error lines, one real root cause near the end) of each size,
then times both commands on each, alternating, and records the doctor's peak memory.

    python benches/bench_diagnose.py [--sizes 10,100,1000] [--runs 3] [--probes]
                                     [--warnings 0.25] [--stdin]

--warnings sets the share of cargo warning lines (a big workspace's build log can be a
quarter warnings, each with its `-->` line); --stdin feeds the log through a pipe, as
`cargo build 2>&1 | pyo3-doctor diagnose -` does.

Targets: at most 3x grep, peak memory under 100 MB, time linear in size.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from installed import compiled_env, installed

LINES = [
    ("   Compiling serde v1.0.{n}", 25),  # cargo names no path for a registry crate
    ("   Compiling mycrate-{n} v0.1.0 (/home/runner/work/mycrate)", 5),
    ("2026-05-01T12:00:07.1234567Z   Downloaded libc v0.2.{n}", 20),
    ("running {n} tests", 10),
    ("test tests::case_{n} ... ok", 20),
    ("\x1b[32m   Compiling\x1b[0m foo v0.{n}.0", 10),
    ("warning: unused variable: `x{n}`", 1),
    ("  --> src/lib.rs:{n}:9", 1),
    ("Collecting numpy=={n}.0", 6),
    ("error[E0308]: mismatched types", 0.3),
    ("INFO some progress {n}", 2),
]
CAUSE = "error: linker `cc` not found\n  |\n  = note: No such file or directory (os error 2)\n"


WARNING = "warning: unused variable: `x{n}`\n  --> src/lib.rs:{n}:9"


def make_log(path: Path, megabytes: int, warnings: float = 0.0) -> None:
    rnd = random.Random(megabytes)
    texts, weights = zip(*LINES)
    with open(path, "w", encoding="utf-8") as fh:
        written = 0
        while written < megabytes << 20:
            chunk = (
                "\n".join(
                    (WARNING if rnd.random() < warnings else t).replace(
                        "{n}", str(rnd.randint(1, 999))
                    )
                    for t in rnd.choices(texts, weights, k=20000)
                )
                + "\n"
            )
            fh.write(chunk)
            written += len(chunk)
        fh.write(CAUSE)


def timed(argv: list[str]) -> tuple[float, int]:
    """Wall seconds, and the peak RSS in MB of the command or any child it waited for (its
    grep, say), not of anything else this benchmark ran (the wheel build)."""
    start = time.perf_counter()
    # output goes to a pipe: GNU grep stops at the first match when it sees /dev/null
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    while proc.stdout.read(1 << 20):
        pass
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0  # reaped above
    took = time.perf_counter() - start
    return took, usage.ru_maxrss // 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--probes", action="store_true", help="run the probes too (default off)")
    parser.add_argument("--warnings", type=float, default=0.0, help="share of warning lines")
    parser.add_argument("--stdin", action="store_true", help="feed the log through a pipe")
    args = parser.parse_args()
    extra = [] if args.probes else ["--no-probes"]
    with tempfile.TemporaryDirectory() as tmp, installed() as install:
        print(f"pyo3-doctor ({install.kind})")
        print(f"{'size':>7} {'grep':>8} {'doctor':>8} {'ratio':>6} {'peak MB':>8} {'s per GB':>9}")
        for mb in (int(s) for s in args.sizes.split(",")):
            log = Path(tmp) / f"build-{mb}.log"
            make_log(log, mb, args.warnings)
            grep = ["grep", "-E", "-i", "error|warning|panicked", str(log)]
            doctor = [*install.command(), "diagnose", *extra, str(log)]
            if args.stdin:  # the same pipe for both: `cat log | cmd`
                grep = [
                    "sh",
                    "-c",
                    'cat "$1" | grep -E -i "error|warning|panicked"',
                    "sh",
                    str(log),
                ]
                doctor = [
                    "sh",
                    "-c",
                    'f=$1; shift; cat "$f" | "$@"',
                    "sh",
                    str(log),
                    *doctor[:-1],
                    "-",
                ]
            subprocess.run(doctor, env=compiled_env(), capture_output=True, check=False)
            g, d, peak = [], [], 0
            for _ in range(args.runs):
                g.append(timed(grep)[0])
                took, rss = timed(doctor)
                d.append(took)
                peak = max(peak, rss)
            mg, md = statistics.median(g), statistics.median(d)
            print(
                f"{mb:>5}MB {mg:>7.2f}s {md:>7.2f}s {md / mg:>5.1f}x {peak:>8} "
                f"{md / mb * 1024:>8.2f}s"
            )
            os.unlink(log)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
