"""How long `zwgk demo` takes on a fresh process (issue: under 10 s on a fresh install).

    python bench/bench_demo.py [--runs 3]

Each run is a new interpreter (imports included), writing into a new temporary folder.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "checker.cli", "demo", "--out", str(Path(tmp) / "demo")], check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    print(f"zwgk demo: median {statistics.median(times):.2f} s over {args.runs} runs (min {min(times):.2f}, max {max(times):.2f}); target < 10 s")
    return 0 if statistics.median(times) < 10 else 1


if __name__ == "__main__":
    raise SystemExit(main())
