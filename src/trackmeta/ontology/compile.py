"""Compile the declared vocabularies from their sources into the files the package ships.

    python -m trackmeta.ontology.compile SOURCES [--into DIR]

SOURCES is the directory holding each declaration's `source.file` (for the repository:
../shared/data/vocab); a file found in neither is looked for in the pinned
cellxgene-ontology-guide package (Cellosaurus). Each source is checked against the sha256 its
declaration pins before it is read; the compiled file is written (gzip, reproducible byte for
byte) beside the declarations, and the declaration's `compiled.sha256` updated. Nothing is copied:
a compiled file holds only the keys and fields trackmeta looks up.
"""

from __future__ import annotations

import argparse
import ast
import csv
import gzip
import io
import json
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from trackmeta.ontology.sources import bundled_file, sha256_file
from trackmeta.ontology.vocabulary import normalised
from trackmeta.resources import data_dir
from trackmeta.specs.model import SpecError, VocabularyDecl, load_specs


def gene_lines(source: Path) -> Iterator[tuple[str, ...]]:
    """GENCODE rows (gene_id, gene_name, gene_version, length, gene_type): upper-cased name ->
    name, gene type."""
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) >= 5 and row[1]:
                yield row[1].upper(), row[1], row[4]


def ntr_lines(source: Path) -> Iterator[tuple[str, ...]]:
    """ENCODE's `ntr_biosamples` literal (read as data, never imported): id -> name, organ
    slims ('|'-separated)."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "ntr_biosamples"):
            terms = ast.literal_eval(node.value)
            for curie, term in terms.items():
                yield curie, term["name"], "|".join(term.get("organs") or ())
            return
    raise ValueError(f"{source}: no ntr_biosamples assignment")


_QUALIFIER = re.compile(r"(?P<name>.+?)\s*\[(?P<qualifier>[^\]]+)\]")


def cell_line_lines(source: Path) -> Iterator[tuple[str, ...]]:
    """Cellosaurus (as cellxgene-ontology-guide bundles it): normalised label -> id, label."""
    import zstandard

    with source.open("rb") as handle:
        terms = json.loads(zstandard.ZstdDecompressor().stream_reader(handle).read())
    for curie, term in terms.items():
        label = term.get("label") or ""
        if label and not term.get("deprecated") and normalised(label):
            yield normalised(label), curie, label
            qualified = _QUALIFIER.fullmatch(label)  # 'HK-2 [Human kidney]' is the line 'HK-2'
            if qualified and normalised(qualified["name"]):
                yield normalised(qualified["name"]), curie, label


def former_lines(source: Path, joined: Path) -> Iterator[tuple[str, ...]]:
    """HGNC's complete set joined to a GENCODE release by Ensembl gene id: for each symbol a
    gene had (a former HGNC symbol, the HGNC symbol GENCODE has since replaced) or has as an
    alias, upper-cased -> the gene's name in GENCODE, how (former or alias), and the date HGNC
    changed its symbol where it says."""
    current = {gene: name for gene, name, *_ in _gencode(joined)}
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            name = current.get(row.get("ensembl_gene_id") or "")
            if not name or row.get("status") != "Approved":
                continue
            date = row.get("date_symbol_changed") or ""
            former = [s for s in (row.get("prev_symbol") or "").strip('"').split("|") if s]
            if row["symbol"] != name:
                former.append(row["symbol"])
            for symbol in former:
                yield symbol.upper(), name, "former", date
            for symbol in (row.get("alias_symbol") or "").strip('"').split("|"):
                if symbol:
                    yield symbol.upper(), name, "alias", ""


_VARIANT_NAMES = (  # HGNC's 2020 histone gene nomenclature (Seal et al. 2022): symbol -> histone
    (re.compile(r"MACROH2A(\d+)"), "macroH2A{0}"),     # MACROH2A1 -> macroH2A1
    (re.compile(r"H([13])-(\d+)[A-Z]?"), "H{0}.{1}"),  # H3-3A -> H3.3, H1-10 -> H1.10
    (re.compile(r"H(2[AB])([A-Z])\d*"), "H{0}.{1}"),   # H2AZ1 -> H2A.Z, H2BW1 -> H2B.W
)


def histone_variant_lines(source: Path, joined: Path) -> Iterator[tuple[str, ...]]:
    """HGNC's replication-independent histone genes (its 'Histones' family less the HIST
    clusters and pseudogenes), by the symbol HGNC gave them in 2019, as ENCODE names ChIP
    targets: symbol -> today's GENCODE symbol, and the histone variant that symbol names."""
    current = {gene: name for gene, name, *_ in _gencode(joined)}
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            now = current.get(row.get("ensembl_gene_id") or "")
            if (not now or row.get("status") != "Approved"
                    or "Histones" not in (row.get("gene_family") or "").split("|")
                    or row["symbol"].startswith("HIST") or row.get("locus_type") == "pseudogene"):
                continue
            histone = next((form.format(*m.groups()) for pattern, form in _VARIANT_NAMES
                            if (m := pattern.fullmatch(now))), None)
            if histone is not None and row["symbol"] != now:
                yield row["symbol"], now, histone


def _gencode(source: Path) -> Iterator[list[str]]:
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
        yield from (row for row in csv.reader(handle) if len(row) >= 5 and row[1])


READERS = {"gene-names": gene_lines, "ntr-terms": ntr_lines, "cell-lines": cell_line_lines}
JOINED = {"former-symbols": former_lines, "histone-variants": histone_variant_lines}


def compiled_bytes(lines: Sequence[tuple[str, ...]], header: str) -> bytes:
    """Sorted unique lines (by key, as bytes, which is how they are looked up), gzip with no
    timestamp: the same source always gives the same file."""
    for fields in lines:
        if any("\t" in f or "\n" in f for f in fields):
            raise ValueError(f"a field holds a tab or a line break: {fields!r}")
    body = sorted({"\t".join(f).encode("utf-8") for f in lines})
    text = f"# {header}\n".encode() + b"".join(line + b"\n" for line in body)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as handle:
        handle.write(text)
    return buffer.getvalue()


def compile_one(decl: VocabularyDecl, sources: Path,
                joined: VocabularyDecl | None = None) -> bytes:
    assert decl.file is not None and decl.source_sha256 is not None
    source = _verified_source(decl, sources)
    lines = (list(JOINED[decl.kind](source, _verified_source(joined, sources)))
             if decl.kind in JOINED and joined is not None
             else list(READERS[decl.kind](source)))
    return compiled_bytes(lines,
                          f"trackmeta vocabulary {decl.name} {decl.version}, from {source.name} "
                          f"(sha256 {decl.source_sha256})")


def _verified_source(decl: VocabularyDecl, sources: Path) -> Path:
    """The declaration's source file, found and checked against the sha256 it pins."""
    name = Path(decl.source).name if decl.source else ""
    source = sources / name
    if not source.is_file():
        source = bundled_file(name)
    digest = sha256_file(source)
    if digest != decl.source_sha256:
        raise ValueError(f"{source}: sha256 {digest} is not the {decl.source_sha256} that "
                         f"{decl.name}.yaml pins")
    return source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trackmeta.ontology.compile",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("sources", type=Path, help="the directory holding the source files")
    parser.add_argument("--into", type=Path, default=None,
                        help="where the declarations and compiled files are "
                             "(default: this installation's ontologies/vocabularies)")
    args = parser.parse_args(argv)
    into = args.into or data_dir("ontologies") / "vocabularies"
    try:
        specs = load_specs()
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for decl in specs.vocabularies.values():
        if decl.file is None:
            continue
        try:
            data = compile_one(decl, args.sources,
                               specs.vocabularies.get(decl.joins) if decl.joins else None)
        except (OSError, ValueError) as exc:
            print(f"error: {decl.name}: {exc}", file=sys.stderr)
            return 2
        (into / decl.file).write_bytes(data)
        declaration = into / f"{decl.name}.yaml"
        digest = sha256_file(into / decl.file)
        text = declaration.read_text(encoding="utf-8")
        text = re.sub(r'(compiled:\n(?:  .*\n)*?  sha256: )"[0-9a-f]{64}"', rf'\g<1>"{digest}"', text)
        declaration.write_text(text, encoding="utf-8")
        print(f"{decl.name}: {len(data):,} bytes, sha256 {digest[:12]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
