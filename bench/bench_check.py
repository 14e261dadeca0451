"""Floor versus `zwgk check` on N consultation rows (issue 7's benchmark).

    python bench/bench_check.py [--rows 1000000] [--keep DIR]

1. The demo generator (fixed seed) writes N consultations; they are rewritten as one UTF-8 CSV
   with ISO datetimes (`consultations.csv`), the form a city-wide export takes, so that the
   floor can read exactly the same file.
2. The floor: a fresh Python process that reads that CSV with polars, parsing the two datetime
   columns with an explicit format.
3. `zwgk check` with every built-in pack, writing JSON and HTML, in a fresh process.
4. 10M rows (`--stream-rows 10000000`, off by default): the CSV repeated with distinct ids
   until it has that many rows, then `zwgk check` on it; targets: under 60 s and 4 GB peak RSS.
5. XLSX (`--xlsx-rows`, default 200,000; 0 skips it): the first rows written as one workbook,
   timed as `zwgk check` against a process that only reads it with python-calamine.
6. The CI-gate case (`--small-rows`, default 50): the first rows as a small folder, `zwgk check`
   writing JSON only, six runs (the first is a warm-up), median, min and max; target ≤ 0.6 s.

Floor and check run alternately, five times each (`--repeat`), medians reported. Every measured
command runs once as a warm-up first, with byte code written to a cache folder of
the benchmark (as after a normal install, even where PYTHONDONTWRITEBYTECODE is set).

Prints wall time, peak RSS (of each child process, from wait4; the parent stays small) and rows/s of each, and the
ratios. Targets: check ≤ 4× the floor's time and ≤ 2.5× its peak RSS.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = """
import sys, polars as pl
frame = pl.read_csv(sys.argv[1]).with_columns(
    pl.col("收到时间").str.strptime(pl.Datetime, "%Y-%m-%d %H:%M"),
    pl.col("答复时间").str.strptime(pl.Datetime, "%Y-%m-%d %H:%M", strict=False),
)
print(frame.height)
"""

CALAMINE_FLOOR = """
import sys
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
print(len(rows))
"""


# Measured children run as after a normal install: byte code is written and reused (a warm-up run
# writes it), even where PYTHONDONTWRITEBYTECODE is set, as in some sandboxes; it goes to a
# cache folder of the benchmark's own, never into the source tree.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=CHILD_ENV)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{argv} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return elapsed, usage.ru_maxrss // 1024


def paired_runs(floor: list[str], check: list[str], repeat: int) -> tuple[tuple[float, int], tuple[float, int]]:
    """Median wall time and largest peak RSS of the floor and of the check, run alternately
    (floor, check, floor, check, ...) after one warm-up each: on a shared machine a slow spell
    then slows both sides instead of only the one that happened to run during it."""
    run(floor)  # warm-up: byte code and the page cache, as on any run after the first
    run(check)
    pairs = [(run(floor), run(check)) for _ in range(max(1, repeat))]

    def summary(results: list[tuple[float, int]]) -> tuple[float, int]:
        times = sorted(t for t, _ in results)
        return times[len(times) // 2], max(r for _, r in results)

    return summary([f for f, _ in pairs]), summary([c for _, c in pairs])


def build(folder: Path, rows: int) -> Path:
    import polars as pl

    from checker.demo import build_demo_evidence
    from checker.evidence.load import load_evidence

    demo = build_demo_evidence(folder / "demo", rows=rows)
    frame = load_evidence(demo).frame("consultation")
    evidence = folder / "evidence"
    evidence.mkdir()
    frame.select(
        pl.col("id").alias("编号"),
        pl.col("department").alias("责任部门"),
        pl.col("channel").alias("渠道"),
        pl.col("received_at").dt.strftime("%Y-%m-%d %H:%M").alias("收到时间"),
        pl.col("replied_at").dt.strftime("%Y-%m-%d %H:%M").alias("答复时间"),
    ).write_csv(evidence / "consultations.csv")
    shutil.rmtree(folder / "demo")
    return evidence


def _head(csv_path: Path, rows: int) -> bytes:
    """The header and the first `rows` lines of a CSV (no field in these files holds a newline)."""
    with csv_path.open("rb") as handle:
        return b"".join(handle.readline() for _ in range(rows + 1))


def in_child(name: str, source: Path, rows: int, target: Path) -> Path:
    """Run a builder in a child process: built in the parent, its pages would count in the peak
    RSS that wait4 reports for every process measured afterwards (they start as forks)."""
    subprocess.run([sys.executable, __file__, "--call", name, str(source), str(rows), str(target)], check=True)
    return target


def build_repeated(csv_path: Path, rows: int, target: Path) -> Path:
    """The CSV repeated (ids made distinct with a suffix) until it holds `rows` records."""
    import polars as pl

    frame = pl.read_csv(csv_path, infer_schema=False)
    copies = -(-rows // frame.height)
    parts = [frame.with_columns(pl.col("编号") + f"-{k}") for k in range(copies)]
    target.mkdir(parents=True, exist_ok=True)
    path = target / "consultations.csv"
    pl.concat(parts).head(rows).write_csv(path)
    return path


def build_xlsx(csv_path: Path, rows: int, target: Path) -> Path:
    """The first `rows` records of the CSV as one workbook (openpyxl's streaming writer)."""
    import polars as pl
    from openpyxl import Workbook

    frame = pl.read_csv(csv_path, n_rows=rows, infer_schema=False)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("consultations")
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(row)
    target.mkdir(parents=True, exist_ok=True)
    path = target / "consultations.xlsx"
    workbook.save(path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each process, floor and check alternating; the median time is reported")
    parser.add_argument("--stream-rows", type=int, default=0, help="also check a CSV of this many rows (e.g. 10000000)")
    parser.add_argument("--xlsx-rows", type=int, default=200_000, help="rows in the XLSX comparison (0: skip)")
    parser.add_argument("--small-rows", type=int, default=50, help="rows in the small-folder (CI gate) run, json only (0: skip)")
    parser.add_argument("--keep", type=Path, help="keep the generated evidence and reports here")
    parser.add_argument("--reuse", action="store_true", help="with --keep: use the evidence generated there by an earlier run of the same --rows")
    parser.add_argument("--build-only", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--call", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build(args.build_only, args.rows)
        return 0
    if args.call:  # a builder run in a child process (see in_child)
        name, source, rows, target = args.call
        {"repeated": build_repeated, "xlsx": build_xlsx}[name](Path(source), int(rows), Path(target))
        return 0
    root = args.keep or Path(tempfile.mkdtemp(prefix="zwgk-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    CHILD_ENV["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    t0 = time.perf_counter()
    evidence = root / "evidence"
    csv_path = evidence / "consultations.csv"
    marker = root / "rows.txt"
    if args.reuse and args.keep and csv_path.exists() and marker.exists() and marker.read_text() == str(args.rows):
        print(f"reusing {args.rows:,} rows → {csv_path}")
    else:
        shutil.rmtree(evidence, ignore_errors=True)
        # Generate in a child process: a forked child starts with its parent's pages, so a big
        # parent would inflate the peak RSS that wait4 reports for the measured children.
        subprocess.run([sys.executable, __file__, "--build-only", str(root), "--rows", str(args.rows)], check=True)
        marker.write_text(str(args.rows))
        print(f"generated {args.rows:,} rows in {time.perf_counter() - t0:.1f} s → {csv_path} ({csv_path.stat().st_size / 2**20:.0f} MiB)")
    check = [sys.executable, "-m", "checker.cli", "check", str(evidence), "--year", "2022", "--as-of", "2023-03-01"]
    check += ["--format", "json", "--format", "html", "--out", str(root / "out"), "--quiet"]
    (floor_t, floor_rss), (check_t, check_rss) = paired_runs([sys.executable, "-c", FLOOR, str(csv_path)], check, args.repeat)
    print(f"floor (polars read_csv + 2 datetime columns): {floor_t:6.2f} s  {floor_rss:6d} MiB  {args.rows / floor_t:12,.0f} rows/s")
    print(f"zwgk check (all packs, json + html):          {check_t:6.2f} s  {check_rss:6d} MiB  {args.rows / check_t:12,.0f} rows/s")
    print(f"ratio: time {check_t / floor_t:.2f}× (target ≤ 4), peak RSS {check_rss / floor_rss:.2f}× (target ≤ 2.5)")
    if args.small_rows:
        small = root / "small" / "consultations.csv"
        small.parent.mkdir(parents=True, exist_ok=True)
        small.write_bytes(_head(csv_path, args.small_rows))
        small_check = [sys.executable, "-m", "checker.cli", "check", str(small.parent), "--year", "2022", "--as-of", "2023-03-01"]
        small_check += ["--format", "json", "--out", str(root / "small-out"), "--quiet"]
        times = [run(small_check) for _ in range(max(5, args.repeat) + 1)][1:]
        walls = sorted(t for t, _ in times)
        print(
            f"zwgk check, {args.small_rows} rows (json):  median {walls[len(walls) // 2]:.2f} s, "
            f"min {walls[0]:.2f} s, max {walls[-1]:.2f} s over {len(walls)} runs, {max(r for _, r in times)} MiB (target ≤ 0.6 s)"
        )
    if args.stream_rows:
        big = in_child("repeated", csv_path, args.stream_rows, root / "big") / "consultations.csv"
        print(f"{args.stream_rows:,} rows → {big} ({big.stat().st_size / 2**20:.0f} MiB)")
        big_check = [sys.executable, "-m", "checker.cli", "check", str(big.parent), "--year", "2022", "--as-of", "2023-03-01"]
        big_check += ["--format", "json", "--format", "html", "--out", str(root / "big-out"), "--quiet"]
        big_t, big_rss = run(big_check)
        print(f"zwgk check, {args.stream_rows:,} rows:  {big_t:6.2f} s  {big_rss:6d} MiB  {args.stream_rows / big_t:12,.0f} rows/s (targets: < 60 s, < 4096 MiB)")
        big.unlink()
    if args.xlsx_rows:
        n = min(args.xlsx_rows, args.rows)
        xlsx = in_child("xlsx", csv_path, n, root / "xlsx") / "consultations.xlsx"
        print(f"XLSX: {n:,} rows → {xlsx} ({xlsx.stat().st_size / 2**20:.0f} MiB)")
        xcheck = [sys.executable, "-m", "checker.cli", "check", str(xlsx.parent), "--year", "2022", "--as-of", "2023-03-01"]
        xcheck += ["--format", "json", "--format", "html", "--out", str(root / "xlsx-out"), "--quiet"]
        (cal_t, cal_rss), (xcheck_t, xcheck_rss) = paired_runs([sys.executable, "-c", CALAMINE_FLOOR, str(xlsx)], xcheck, args.repeat)
        print(f"floor (python-calamine reads the sheet):     {cal_t:6.2f} s  {cal_rss:6d} MiB  {n / cal_t:12,.0f} rows/s")
        print(f"zwgk check on the XLSX:                       {xcheck_t:6.2f} s  {xcheck_rss:6d} MiB  {n / xcheck_t:12,.0f} rows/s")
        print(f"ratio: time {xcheck_t / cal_t:.2f}× (target ≤ 1.5)")
    if not args.keep:
        shutil.rmtree(root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
