"""The fixes proposed for one row never contradict each other."""

from __future__ import annotations

from pathlib import Path

import trackmeta
from tests.helpers import edited, to_text, valid_lines
from trackmeta.checking.edits import reconcile
from trackmeta.rules import rule

GTEX_LINE = 10  # UBERON:0002245 gtex Brain_Cerebellar_Hemisphere polyA plus RNA-seq


def check_lines(lines: list[list[str]], tmp_path: Path) -> trackmeta.Report:
    path = tmp_path / "t.tsv"
    path.write_text(to_text(lines))
    return trackmeta.check(path)


def fixes(report: trackmeta.Report) -> list[tuple[int | None, str, str | None]]:
    return [(f.line, f.code, f.fix) for f in report.findings]


def test_gtex_remap_and_name_agree(tmp_path: Path) -> None:
    # the name embeds the right term, the CURIE is GTEx's documented one: one fix, on the CURIE
    lines = edited(valid_lines(), GTEX_LINE, "ontology_curie", "UBERON:0002037")
    lines = edited(lines, GTEX_LINE, "biosample_name", "cerebellum")
    report = check_lines(lines, tmp_path)
    assert fixes(report) == [(GTEX_LINE, "TM211", "UBERON:0002245"), (GTEX_LINE, "TM301", None)]
    tm301 = report.findings[1]
    assert "already embeds UBERON:0002245" in tm301.message


def test_name_fix_embeds_the_term_the_row_ends_up_with(tmp_path: Path) -> None:
    # the name embeds a third term: its fix embeds the remapped one, not the wrong CURIE
    lines = edited(valid_lines(), GTEX_LINE, "ontology_curie", "UBERON:0002037")
    lines = edited(lines, GTEX_LINE, "biosample_name", "cerebellum")
    name = lines[GTEX_LINE - 1][0].replace("UBERON:0002245", "UBERON:0000955")
    lines = edited(lines, GTEX_LINE, "name", name)
    report = check_lines(lines, tmp_path)
    assert fixes(report) == [
        (GTEX_LINE, "TM211", "UBERON:0002245"),
        (GTEX_LINE, "TM301", name.replace("UBERON:0000955", "UBERON:0002245"))]


def test_one_new_value_per_cell_by_precedence() -> None:
    obsolete = rule("TM205").finding("obsolete", column="ontology_curie", value="X:1", fix="X:2",
                                     row=0)
    gtex = rule("TM211").finding("gtex", column="ontology_curie", value="X:1", fix="X:3", row=0)
    other_row = rule("TM205").finding("obsolete", column="ontology_curie", value="X:1",
                                      fix="X:2", row=1)
    out = reconcile([obsolete, gtex, other_row])
    assert [(f.code, f.row, f.fix) for f in out] == [
        ("TM205", 0, None), ("TM211", 0, "X:3"), ("TM205", 1, "X:2")]
    assert "see TM211" in out[0].message
