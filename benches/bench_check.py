"""`pyo3-doctor --json` against the bare commands a careful shell script would run.

The script starts `rustc -vV`, `cargo -V`, `cc --version`, `maturin -V` and the target
interpreter's sysconfig dump all at once and waits for them: the least work that learns the
same facts. Both run in one small PyO3 project, alternating, best and median of N runs.

    python benches/bench_check.py [--runs 15] [--project DIR]

Prints the median ratio; the target is at most 1.5x. Also times the floor: a Python program
that does nothing but start the same commands and wait.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from installed import compiled_env, installed

BARE = """
rustc -vV >/dev/null 2>&1 &
cargo -V >/dev/null 2>&1 &
cc --version >/dev/null 2>&1 &
maturin -V >/dev/null 2>&1 &
python3 -c 'import sysconfig; print(sysconfig.get_config_vars())' >/dev/null 2>&1 &
wait
"""

# The least any Python program pays to learn the same: start the same five commands from
# Python (the doctor's inspect script instead of the sysconfig dump) and wait. The gap between
# this and the shell script is Python's own start-up on this machine, not the doctor's work.
FLOOR = """
import subprocess
from pyo3_doctor.machine.target import INSPECT
argvs = [["python3", "-c", INSPECT], ["cc", "--version"], ["maturin", "--version"],
         ["rustc", "-vV"], ["cargo", "-V"]]
procs = [subprocess.Popen(a, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT) for a in argvs]
for p in procs:
    p.communicate()
"""

PROJECT = {
    "pyproject.toml": '[build-system]\nrequires = ["maturin>=1.0,<2.0"]\n'
    'build-backend = "maturin"\n[project]\nname = "bench"\nversion = "0.1.0"\n',
    "Cargo.toml": '[package]\nname = "bench"\nversion = "0.1.0"\nedition = "2021"\n'
    '[lib]\nname = "bench"\ncrate-type = ["cdylib"]\n[dependencies]\npyo3 = "0.27"\n',
    "src/lib.rs": "use pyo3::prelude::*;\n#[pymodule]\nfn bench(_m: &Bound<'_, PyModule>)"
    " -> PyResult<()> { Ok(()) }\n",
}


def timed(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--project", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, installed() as install:
        root = args.project or Path(tmp)
        if args.project is None:
            for rel, text in PROJECT.items():
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_text(text)
        doctor = [*install.command(), "--json"]
        bare = ["sh", "-c", BARE]
        floor = [install.python, "-c", FLOOR]
        timed(doctor, root, compiled_env()), timed(bare, root), timed(floor, root)  # warm up
        d, b, f = [], [], []
        for _ in range(args.runs):
            d.append(timed(doctor, root))
            b.append(timed(bare, root))
            f.append(timed(floor, root))
    md, mb, mf = statistics.median(d), statistics.median(b), statistics.median(f)
    print(f"pyo3-doctor ({install.kind})")
    print(f"pyo3-doctor --json : median {md * 1000:7.1f} ms  best {min(d) * 1000:7.1f} ms")
    print(f"bare commands      : median {mb * 1000:7.1f} ms  best {min(b) * 1000:7.1f} ms")
    print(f"python floor       : median {mf * 1000:7.1f} ms  best {min(f) * 1000:7.1f} ms")
    print(f"ratio (median)     : {md / mb:.2f}x   (target <= 1.5x; Python's floor {mf / mb:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
