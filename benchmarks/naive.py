"""The obvious way, for comparison: what trackmeta's design avoids.

Reads the table with pandas, then checks every row on its own: the CL release parsed by pronto on
every run, and per-row lookups through cellxgene-ontology-guide's OntologyParser for UBERON/EFO
(label, deprecation, replacement, ancestors). Prints the number of problems it saw.
"""

from __future__ import annotations

import sys
import warnings

import pandas as pd


def main(table: str, cl_obo: str) -> int:
    import pronto
    from cellxgene_ontology_guide.ontology_parser import OntologyParser

    frame = pd.read_csv(table, sep="\t", dtype=str, keep_default_na=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cl = pronto.Ontology(cl_obo)
        parser = OntologyParser()
    problems = 0
    for row in frame.itertuples(index=False):
        curie = row.ontology_curie
        prefix = curie.split(":")[0]
        try:
            if prefix == "CL":
                term = cl[curie]
                problems += bool(term.obsolete) + (term.name != row.biosample_name)
                list(term.superclasses())
            elif prefix in ("UBERON", "EFO"):
                problems += parser.is_term_deprecated(curie)
                problems += parser.get_term_label(curie) != row.biosample_name
                parser.get_term_ancestors(curie)
        except (KeyError, ValueError):
            problems += 1
    print(problems)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
