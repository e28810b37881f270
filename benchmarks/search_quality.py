"""Search quality: how often `trackmeta search QUERY --metadata HUMAN_TSV` puts the intended term
(one with tracks) first, and in the top three, for names as biologists type them.

    python benchmarks/search_quality.py [--metadata PATH] [--json FILE]

The queries are GTEx portal tissue names, ENCODE biosample names written other ways (case,
hyphens, plurals, word order), common names and abbreviations, and slips of the hand. Each has
the terms that would be right (a set: 'hESC' may mean H1 or H9). The set was written while the
name model was built; `HELD_OUT` was written afterwards and not tuned on.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HUMAN = REPO.parent / "shared" / "data" / "alphagenome_human_track_metadata_2025-08.tsv"

Q = tuple[str, frozenset[str]]


def q(query: str, *curies: str) -> Q:
    return query, frozenset(curies)


TUNING: list[Q] = [
    # GTEx portal names
    q("Whole Blood", "UBERON:0013756"), q("Muscle - Skeletal", "UBERON:0011907"),
    q("Nerve - Tibial", "UBERON:0001323"), q("Adipose - Subcutaneous", "UBERON:0002190"),
    q("Artery - Aorta", "UBERON:0001496"), q("Brain - Cerebellar Hemisphere", "UBERON:0002245"),
    q("Heart - Left Ventricle", "UBERON:0006566"), q("Colon - Transverse", "UBERON:0001157"),
    q("Esophagus - Mucosa", "UBERON:0006920"), q("Liver", "UBERON:0002107", "UBERON:0001114"),
    # the metadata's own names, written other ways
    q("lung fibroblast", "CL:0002553"), q("T47D", "EFO:0001247"), q("HT1080", "EFO:0002059"),
    q("HEK293T", "EFO:0001184"), q("hepg2", "EFO:0001187"), q("k-562", "EFO:0002067"),
    q("Gm12878", "EFO:0002784"), q("MCF7", "EFO:0001203"), q("HeLa S3", "EFO:0002791"),
    q("IMR90", "EFO:0001196"), q("SKNSH", "EFO:0003072"), q("HCT-116", "EFO:0002824"),
    q("keratinocytes", "CL:0000312"), q("astrocytes", "CL:0000127"),
    q("hepatocytes", "CL:0000182"), q("B cells", "CL:0000236"),
    q("NK cells", "CL:0000623"), q("CD14+ monocyte", "CL:0001054"),
    q("fibroblast of foreskin", "CL:1001608"), q("neural progenitor cells", "CL:0011020"),
    q("osteoblasts", "CL:0000062"), q("caco2", "EFO:0001099"), q("PC3", "EFO:0002074"),
    q("PANC-1", "EFO:0002713"), q("left ventricle of heart", "UBERON:0002084"),
    q("thyroid", "UBERON:0002046"), q("adrenal", "UBERON:0002369"),
    q("pancreas", "UBERON:0001264"), q("tibial nerve", "UBERON:0001323"),
    q("transverse colon", "UBERON:0001157"), q("breast epithelium", "UBERON:0008367"),
    q("prostate", "UBERON:0002367"), q("testis", "UBERON:0000473"),
    q("uterus", "UBERON:0000995"), q("Peyers patch", "UBERON:0001211"),
    q("brain", "UBERON:0000955"), q("cerebellum", "UBERON:0002037"),
    q("thymus", "UBERON:0002370"), q("kidney", "UBERON:0002113"),
    q("placenta", "UBERON:0001987"), q("skeletal muscle", "UBERON:0001134"),
    # common names and abbreviations
    q("CD4 T cell", "CL:0000624"), q("CD8 T cell", "CL:0000625"),
    q("CD4+ T cells", "CL:0000624"), q("T cell", "CL:0000084"), q("T-cells", "CL:0000084"),
    q("HUVEC", "CL:0002618"), q("iPSC", "EFO:0004905", "EFO:0009747", "EFO:0007950",
                               "EFO:0007098", "EFO:0007096"),
    q("hESC", "CL:0002322", "EFO:0003042", "EFO:0003045", "EFO:0007089"),
    q("Treg", "CL:0000792", "CL:0000815"), q("regulatory T cell", "CL:0000792", "CL:0000815"),
    q("PBMC", "CL:2000001"), q("cardiomyocytes", "CL:0000746"),
    q("smooth muscle cells", "CL:0000192"), q("myotubes", "CL:0002372"),
    q("mammary epithelial cells", "CL:0002327"), q("melanocytes", "CL:1000458"),
    q("dermal fibroblast", "CL:0002551"), q("proximal tubule epithelial cell", "CL:0002306"),
    q("neurons", "CL:0000540"), q("Th17", "CL:0000899"), q("naive B cells", "CL:0000788"),
    q("trophoblast", "CL:0000351"), q("mesendoderm", "NTR:0000856"),
    # slips of the hand
    q("hepatocite", "CL:0000182"), q("keratinocite", "CL:0000312"),
    q("astrocyt", "CL:0000127"), q("fibroblast of lungs", "CL:0002553"),
    q("cerebelum", "UBERON:0002037"), q("leucocyte", "CL:0000738"),
    q("oesophagus", "UBERON:0001043"), q("pancrease", "UBERON:0001264"),
    q("osteoblst", "CL:0000062"), q("spleeen", "UBERON:0002106"),
]

HELD_OUT: list[Q] = [
    q("Stomach", "UBERON:0000945"), q("Spleen", "UBERON:0002106"),
    q("Lung", "UBERON:0002048", "UBERON:0008952"), q("Thyroid", "UBERON:0002046"),
    q("Pancreas", "UBERON:0001150", "UBERON:0001264"), q("Colon - Sigmoid", "UBERON:0001159"),
    q("OCI-Ly1", "EFO:0005907"), q("Karpas 422", "EFO:0005719"), q("MM1S", "EFO:0005724"),
    q("BE(2)-C", "EFO:0005725"), q("HAP1", "EFO:0007598"), q("WTC-11", "EFO:0009747"),
    q("HUES 64", "EFO:0007089"), q("DOHH-2", "EFO:0002167"), q("22RV1", "EFO:0002095"),
    q("LNCaP", "EFO:0005726"), q("RWPE-1", "EFO:0002323"), q("Ishikawa cells", "EFO:0005718"),
    q("A-673", "EFO:0002106"), q("MG-63", "EFO:0002234"), q("Calu-3", "EFO:0002819"),
    q("PC9", "EFO:0002847"), q("SK-N-DZ cells", "EFO:0005721"), q("HeLa", "EFO:0002791"),
    q("CD8+ T cells", "CL:0000625"), q("natural killer cells", "CL:0000623"),
    q("monocytes", "CL:0001054", "CL:0000576"), q("endothelial cell umbilical vein",
                                                   "CL:0002618"),
    q("smooth muscle", "CL:0000192", "UBERON:0001135"), q("heart", "UBERON:0000948"),
]


def rates(queries: list[Q], metadata: Path) -> dict[str, object]:
    import trackmeta

    top1 = top3 = 0
    misses = []
    for query, expected in queries:
        found = [m.curie for m in trackmeta.search(query, str(metadata), limit=3).matches]
        top1 += bool(found[:1]) and found[0] in expected
        top3 += bool(set(found[:3]) & expected)
        if not found[:1] or found[0] not in expected:
            misses.append({"query": query, "expected": sorted(expected), "found": found})
    return {"queries": len(queries), "top1": top1 / len(queries), "top3": top3 / len(queries),
            "misses": misses}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--metadata", type=Path, default=HUMAN)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if not args.metadata.is_file():
        print(f"the human metadata is not at {args.metadata}", file=sys.stderr)
        return 2
    results = {name: rates(queries, args.metadata)
               for name, queries in (("tuning", TUNING), ("held_out", HELD_OUT))}
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
