"""Search quality: how often `trackmeta search QUERY --metadata HUMAN_TSV` puts the intended term
(one with tracks) first, and in the top three, for names as biologists type them.

    python benchmarks/search_quality.py [--metadata PATH] [--json FILE]

The queries are GTEx portal tissue names, ENCODE biosample names written other ways (case,
hyphens, plurals, word order), common names and abbreviations, and slips of the hand, kept as
data in search_queries.yaml. Each has the terms that would be right (a set: 'hESC' may mean H1
or H9). The tuning set was written while the name model was built; the held-out set afterwards,
and not tuned on; held_out_2 was written once the first held-out set had been looked at, and
measured once.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HUMAN = REPO.parent / "shared" / "data" / "alphagenome_human_track_metadata_2025-08.tsv"
MOUSE = REPO.parent / "shared" / "data" / "OutputMetadataResponse_ORGANISM_MUS_MUSCULUS.textproto"

QUERIES = Path(__file__).with_name("search_queries.yaml")
Q = tuple[str, frozenset[str], str]
SETS = ("tuning", "held_out", "held_out_2")


def queries(name: str) -> list[Q]:
    """One set of `search_queries.yaml` (tuning or held_out) as (query, right terms, organism
    whose metadata it is searched with: human unless the row says)."""
    import yaml

    document = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    return [(row["query"], frozenset(row["expected"]), row.get("organism", "human"))
            for row in document[name]]


def rates(queries: list[Q], metadata: dict[str, Path]) -> dict[str, object]:
    import trackmeta

    top1 = top3 = 0
    misses = []
    for query, expected, organism in queries:
        found = [m.curie for m in trackmeta.search(query, str(metadata[organism]),
                                                   limit=3).matches]
        top1 += bool(found[:1]) and found[0] in expected
        top3 += bool(set(found[:3]) & expected)
        if not found[:1] or found[0] not in expected:
            misses.append({"query": query, "organism": organism, "expected": sorted(expected),
                           "found": found})
    return {"queries": len(queries), "top1": top1 / len(queries), "top3": top3 / len(queries),
            "misses": misses}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--metadata", type=Path, default=HUMAN, help="the human metadata")
    parser.add_argument("--mouse", type=Path, default=MOUSE, help="the mouse metadata")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if not args.metadata.is_file():
        print(f"the human metadata is not at {args.metadata}", file=sys.stderr)
        return 2
    if not args.mouse.is_file():
        print(f"the mouse metadata is not at {args.mouse}", file=sys.stderr)
        return 2
    metadata = {"human": args.metadata, "mouse": args.mouse}
    results = {name: rates(queries(name), metadata) for name in SETS}
    for name, result in results.items():
        print(f"{name:<9} {result['queries']:>3} queries: first {result['top1']:.0%}, "
              f"top three {result['top3']:.0%}")
        for miss in result["misses"]:  # type: ignore[attr-defined]
            print(f"  {miss['query']!r}: expected {', '.join(miss['expected'])}; "
                  f"found {', '.join(miss['found']) or 'nothing'}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
