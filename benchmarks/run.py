"""trackmeta benchmarks: every figure is the median of several fresh processes, measured in the
same run as its floor, and printed as a ratio with the absolute times beside it.

    python benchmarks/run.py [--runs N] [--scale 10000,100000,1000000] [--json FILE]

Needs the real table in ../shared/data (the scale and naive figures are skipped without it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
REAL = SHARED / "alphagenome_human_track_metadata_2025-08.tsv"
CL_OBO = SHARED / "cl-basic_2022-11-25.obo"
PY = sys.executable
TERMS_20 = ["CL:0000084", "CL:0000100", "CL:0000236", "UBERON:0002245", "UBERON:0002037",
            "UBERON:0000955", "EFO:0002106", "EFO:0001187", "EFO:0002067", "CL:0010003",
            "NTR:0000856", "CLO:0026782", "UBERON:0000948", "CL:0000062", "EFO:0003042",
            "UBERON:0001114", "CL:0000047", "EFO:0002784", "UBERON:0002048", "CL:9999999"]


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss / 1024


def median(cmd: list[str], runs: int, env: dict[str, str] | None = None,
           before: list[str] | None = None) -> tuple[float, float]:
    times, peaks = [], []
    for _ in range(runs):
        if before:
            subprocess.run(before, check=True)
        t, rss = run(cmd, env)
        times.append(t)
        peaks.append(rss)
    return statistics.median(times), max(peaks)


def interleaved(commands: list[list[str]], runs: int, env: dict[str, str] | None = None
                ) -> list[float]:
    """Median wall seconds of each command, run round-robin (A, B, A, B, ...) so that a change
    of machine load falls on every command alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for i, cmd in enumerate(commands):
            times[i].append(run(cmd, env)[0])
    return [statistics.median(t) for t in times]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", default="10000,100000,1000000")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    have_real = REAL.is_file()
    table = str(REAL if have_real else REPO / "examples" / "release")
    results: dict[str, dict[str, float | str]] = {}
    workdir = Path(tempfile.mkdtemp(prefix="trackmeta-bench-"))
    cache = workdir / "cache"
    env = {"TRACKMETA_CACHE_DIR": str(cache)}
    tm = [PY, "-m", "trackmeta"]

    def report(name: str, seconds: float, floor_name: str | None = None, rss: float | None = None,
               note: str = "") -> None:
        entry: dict[str, float | str] = {"seconds": round(seconds, 4)}
        line = f"{name:<44} {seconds * 1000:9.1f} ms"
        if floor_name is not None:
            ratio = seconds / float(results[floor_name]["seconds"])
            entry["ratio"] = round(ratio, 3)
            entry["floor"] = floor_name
            line += f"   {ratio:6.2f}x {floor_name}"
        if rss is not None:
            entry["peak_rss_mib"] = round(rss, 1)
            line += f"   {rss:7.0f} MiB"
        if note:
            entry["note"] = note
            line += f"   ({note})"
        results[name] = entry
        print(line, flush=True)

    try:
        t, _ = median([PY, "-c", "pass"], args.runs)
        report("python startup", t)
        t, _ = median([PY, "-c", "import pandas"], args.runs)
        report("import pandas", t)
        t, _ = median([PY, "-c", "import pandas, pandera.pandas"], args.runs)
        report("import pandas+pandera (check floor)", t)

        clear = [PY, "-c", f"import shutil; shutil.rmtree({str(cache)!r}, ignore_errors=True)"]
        build = [PY, "-c", "from trackmeta.ontology.resolver import Resolver; "
                 "from trackmeta.specs import default_specs; r = Resolver(default_specs()); "
                 "[r.index(p) for p in ('CL', 'UBERON', 'EFO')]"]
        t, _ = median(build, args.runs, env, before=clear)
        report("index build CL+UBERON+EFO (once per release)", t, note="target < 5 s")

        check = [*tm, "check", table, "--format", "json", "-o", os.devnull]
        t, rss = median(check, args.runs, env, before=clear)
        report("check real table, no index (one-time)", t, "import pandas+pandera (check floor)", rss)
        run(check, env)  # warm the caches
        t, rss = median(check, args.runs, env)
        report("check real table, warm index", t, "import pandas+pandera (check floor)", rss)

        if have_real:
            # resolution alone, timed inside a fresh process: releases loaded (cold: built
            # from the bundled files; warm: from the compiled index) and every distinct CURIE
            resolve_all = [PY, "-c", "import csv, time; s = time.perf_counter(); "
                           "from trackmeta.ontology.resolver import Resolver; "
                           "from trackmeta.specs import default_specs; "
                           f"rows = csv.DictReader(open({str(REAL)!r}), delimiter='\\t'); "
                           "c = {r['ontology_curie'] for r in rows} - {''}; "
                           "s = time.perf_counter(); r = Resolver(default_specs()); "
                           "[r.resolve(x) for x in c]; print(time.perf_counter() - s)"]

            def inside(before: list[str] | None) -> float:
                times = []
                for _ in range(args.runs):
                    if before:
                        subprocess.run(before, check=True)
                    out = subprocess.run(resolve_all, capture_output=True, text=True, check=True,
                                         env={**os.environ, **env}).stdout
                    times.append(float(out))
                return statistics.median(times)

            report("resolve all 705 CURIEs, cold (index build)", inside(clear), "import pandas")
            report("resolve all 705 CURIEs, warm index", inside(None), "import pandas")

        official = SHARED / "OutputMetadataResponse_ORGANISM_HOMO_SAPIENS.textproto"
        if have_real and official.is_file():
            parse = [PY, "-c", "from google.protobuf import text_format; "
                     "from alphagenome.protos import dna_model_service_pb2 as s; "
                     f"text_format.Parse(open({str(official)!r}).read(), s.MetadataResponse())"]
            tsv = [*tm, "check", str(REAL), "--format", "json", "-o", os.devnull]
            textproto = [*tm, "check", str(official), "--format", "json", "-o", os.devnull]
            t_parse, t_tsv, t_proto = interleaved([parse, tsv, textproto], args.runs, env)
            report("protobuf text parse of the human file", t_parse)
            report("check real table (TSV), interleaved", t_tsv)
            results["protobuf parse + TSV check"] = {"seconds": round(t_parse + t_tsv, 4)}
            report("check official human textproto", t_proto, "protobuf parse + TSV check",
                   note="target 1.3x")

        t, _ = median([*tm, "terms", *TERMS_20], args.runs, env)
        report("terms, 20 CURIEs, cold process", t, "import pandas")
        bulk = [PY, "-c", "import time, trackmeta; from trackmeta.specs import default_specs; "
                "from trackmeta.ontology.resolver import Resolver; "
                "i = Resolver(default_specs()).index('CL'); ids = sorted(i.rows)[:1000]; "
                "trackmeta.check_terms(ids[:1]); s = time.perf_counter(); "
                "trackmeta.check_terms(ids); "
                "print(time.perf_counter() - s)"]
        warm = float(subprocess.run(bulk, capture_output=True, text=True, env={**os.environ, **env},
                                    check=True).stdout)
        report("check_terms, 1,000 CURIEs, warm process", warm)

        if have_real and CL_OBO.is_file():
            naive = [PY, str(REPO / "benchmarks" / "naive.py"), str(REAL), str(CL_OBO)]
            t, rss = median(naive, max(1, args.runs // 2))
            report("naive baseline (pronto OBO + per-row cxg API)", t,
                   "check real table, warm index", rss)

        if have_real and args.scale:
            previous: float | None = None
            for rows in (int(n) for n in args.scale.split(",") if n):
                path = workdir / f"synthetic-{rows}.tsv"
                subprocess.run([PY, str(REPO / "benchmarks" / "synth.py"), str(REAL), str(rows),
                                str(path)], check=True)
                t, rss = median([*tm, "check", str(path), "--format", "json", "-o", os.devnull],
                                max(1, args.runs // 2 if rows < 1_000_000 else 1), env)
                note = f"growth {t / previous:.1f}x per 10x" if previous else ""
                report(f"check {rows:,} tracks", t, None, rss, note)
                previous = t
                path.unlink()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
