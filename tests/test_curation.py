"""Curation tools: safe repair, release diff, ontology drift forecast."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import trackmeta
from tests.helpers import (
    REAL_TSV,
    REPO,
    SHARED,
    VALID,
    edited,
    needs_shared,
    real_report,
    to_text,
    valid_lines,
)
from trackmeta.cli import main

Capture = pytest.CaptureFixture[str]
REAL_CL = SHARED / "cl-basic_2022-11-25.obo"


def schema(name: str) -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(
        json.loads((REPO / "schemas" / "report" / f"{name}.schema.json").read_text()))


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def broken(tmp_path: Path, name: str = "tracks.tsv") -> Path:
    """The valid fixture with a fixable defect of each kind the repair handles."""
    rows = valid_lines()
    rows = edited(rows, 10, "ontology_curie", "UBERON:0002037")      # GTEx remap (TM211)
    rows = edited(rows, 9, "ontology_curie", "CL:0010003")           # obsolete, one replacement
    rows = edited(rows, 9, "name", "CL:0010003 total RNA-seq")
    rows = edited(rows, 9, "biosample_name", "osteoblast")           # not a name of CL:0000322
    rows = edited(rows, 5, "biosample_name", "fat cell ")            # whitespace (TM104)
    rows = edited(rows, 7, "output_type", "dnase")                   # spelling (TM005)
    rows = edited(rows, 4, "biosample_name", "Mesothelial Cell")     # a naming variant: left
    rows = edited(rows, 3, "biosample_name", "spinal motor neuron")  # a mismatch: for a person
    path = tmp_path / name
    path.write_text(to_text(rows))
    return path


def test_fix_repairs_each_kind_coherently(tmp_path: Path) -> None:
    path = broken(tmp_path)
    repair = trackmeta.fix(path)
    edits = {(e.line, e.column): (e.old, e.new, e.reason) for e in repair.edits}
    assert edits == {
        (5, "biosample_name"): ("fat cell ", "fat cell", "TM104"),
        (7, "output_type"): ("dnase", "OutputType.DNASE", "TM005"),
        (9, "ontology_curie"): ("CL:0010003", "CL:0000322", "TM205"),
        (9, "name"): ("CL:0010003 total RNA-seq", "CL:0000322 total RNA-seq", "TM205"),
        (9, "biosample_name"): ("osteoblast", "pulmonary alveolar epithelial cell", "TM205"),
        (10, "ontology_curie"): ("UBERON:0002037", "UBERON:0002245", "TM211"),
    }
    assert [(f.line, f.code) for f in repair.left] == [(3, "TM208")]
    variant = next(f for f in trackmeta.check(path).findings if f.line == 4)
    assert (variant.code, variant.fix, variant.expected) == ("TM213", None, "mesothelial cell")
    schema("fix").validate(repair.to_dict())


def test_fixed_file_is_clean_of_what_was_fixed_and_fixing_again_changes_nothing(
        tmp_path: Path, capsys: Capture) -> None:
    path = broken(tmp_path)
    before = path.read_bytes()
    code, diff, _ = run(capsys, "fix", str(path), "-o", str(tmp_path / "fixed.tsv"))
    assert code == 0 and path.read_bytes() == before  # the input is untouched
    fixed = tmp_path / "fixed.tsv"
    report = trackmeta.check(fixed)
    assert [(f.line, f.code) for f in report.findings] == [(3, "TM208"), (4, "TM213")]
    assert trackmeta.fix(fixed).edits == ()
    patched = tmp_path / "patched.tsv"
    shutil.copy(path, patched)
    if shutil.which("patch"):
        subprocess.run(["patch", "-s", str(patched)], input=diff.encode(), check=True)
        assert patched.read_bytes() == fixed.read_bytes()


def test_fix_keeps_gzip_and_line_endings(tmp_path: Path, capsys: Capture) -> None:
    path = broken(tmp_path)
    crlf = tmp_path / "crlf.tsv.gz"
    crlf.write_bytes(gzip.compress(path.read_text().replace("\n", "\r\n").encode()))
    assert run(capsys, "fix", str(crlf), "-o", str(tmp_path / "out.tsv.gz"))[0] == 0
    text = gzip.decompress((tmp_path / "out.tsv.gz").read_bytes()).decode()
    assert text.count("\r\n") == text.count("\n") and "UBERON:0002245\tcerebellar hemisphere" in text


def test_in_place_keeps_a_backup_and_output_onto_an_input_is_refused(
        tmp_path: Path, capsys: Capture) -> None:
    path = broken(tmp_path)
    before = path.read_bytes()
    code, _, err = run(capsys, "fix", str(path), "-o", str(path))
    assert code == 2 and "never writes an input" in err and path.read_bytes() == before
    code, _, err = run(capsys, "fix", str(path), "--in-place")
    assert code == 0 and (tmp_path / "tracks.tsv.orig").read_bytes() == before
    assert trackmeta.fix(path).edits == ()


def test_official_protobuf_is_read_only(tmp_path: Path, capsys: Capture) -> None:
    code, _, err = run(capsys, "fix", str(REPO / "tests" / "fixtures" / "metadata.textproto"))
    assert code == 2 and "read-only" in err


@needs_shared
def test_fix_on_the_real_table(tmp_path: Path, capsys: Capture) -> None:
    repair = trackmeta.fix(REAL_TSV)
    new_terms = Counter((e.old, e.new) for e in repair.edits if e.column == "ontology_curie")
    assert new_terms == {("CL:0010003", "CL:0000322"): 5, ("EFO:0001184", "EFO:0001082"): 5}
    names = {(e.old, e.new) for e in repair.edits if e.column == "biosample_name"}
    assert names == {("HEK293T", "293T")}  # 'epithelial cell of alveolus of lung' is a synonym
    assert [f.value for f in repair.left if f.code == "TM205"] == ["EFO:0000681"]  # -> MONDO
    fixed = tmp_path / "fixed.tsv"
    assert run(capsys, "fix", str(REAL_TSV), "-o", str(fixed))[0] == 0
    after = Counter(f.code for f in trackmeta.check(fixed).findings)
    before = Counter(f.code for f in real_report().findings)
    assert after["TM205"] == 1 and after["TM301"] == 0 and after["TM302"] == 0
    assert after["TM208"] == before["TM208"]  # no new name mismatch
    assert trackmeta.fix(fixed).edits == ()


def test_diff_of_constructed_releases(tmp_path: Path, capsys: Capture) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    shutil.copy(VALID, old / "tracks.tsv")
    rows = valid_lines()
    rows = edited(rows, 7, "nonzero_mean", "0.2")                     # changed
    header, body = rows[0], rows[1:]
    body = [r for r in body if r[0] != "ENCSR072YCM"]                 # removed
    body.append([*body[0][:1], "+", *body[0][2:]])                    # added (other strand)
    (new / "tracks.tsv").write_text(to_text([header, *reversed(body)]))  # order is no change
    result = trackmeta.diff(old, new)
    assert [str(t) for t in result.added] == ["human ATAC 'CL:0000084 ATAC-seq' (+)"]
    assert [t.name for t in result.removed] == ["ENCSR072YCM"]
    (change,) = result.changed
    assert change.track.name == "CL:0000084 DNase-seq"
    assert change.fields == {"nonzero_mean": ("0.15140396356582642", "0.2")}
    code, out, _ = run(capsys, "diff", str(old), str(new), "--format", "json")
    document = json.loads(out)
    schema("diff").validate(document)
    assert code == 1 and document["summary"] == {
        "added": 1, "removed": 1, "changed": 1,
        "by_output_type": {"ATAC": {"added": 1}, "DNASE": {"changed": 1},
                           "PROCAP": {"removed": 1}}}
    assert run(capsys, "diff", str(old), str(old))[0] == 0


@pytest.mark.skipif(not REAL_CL.is_file(), reason=f"{REAL_CL} is absent (../shared)")
@needs_shared
def test_drift_from_cl_2022_to_the_pinned_release(capsys: Capture) -> None:
    report = trackmeta.drift(REAL_TSV, {"CL": str(REAL_CL)})
    kinds = {(d.curie, d.kind) for d in report.drifts}
    assert ("CL:0010003", "obsolete") in kinds and ("CL:0002140", "relabelled") in kinds
    obsolete = next(d for d in report.drifts if d.curie == "CL:0010003")
    assert obsolete.replacement == "CL:0000322" and obsolete.rows == 5
    relabel = next(d for d in report.drifts if d.curie == "CL:0002140")
    assert (relabel.old_label, relabel.new_label) == ("acinar cell of sebaceous gland",
                                                      "skin sebocyte")
    assert relabel.names_failing == ("acinar cell of sebaceous gland",)  # a TM208 would appear
    code, out, _ = run(capsys, "drift", str(REAL_TSV), "--from", f"CL={REAL_CL}",
                       "--format", "json")
    document = json.loads(out)
    schema("drift").validate(document)
    assert code == 1 and document["summary"]["obsolete"] == 1


def test_drift_between_bundled_releases_and_an_unknown_version(capsys: Capture) -> None:
    rows = edited(valid_lines(), 9, "ontology_curie", "CL:0000649")
    rows = edited(rows, 9, "name", "CL:0000649 total RNA-seq")
    rows = edited(rows, 9, "biosample_name", "prickle cell")
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        table = Path(directory) / "t.tsv"
        table.write_text(to_text(rows))
        report = trackmeta.drift(table, {"CL": "2025-02-13"})
        (d,) = report.drifts
        assert (d.curie, d.kind, d.new_label) == ("CL:0000649", "relabelled",
                                                  "spinous cell of epidermis")
        assert report.releases["CL"][0].startswith("CL 2025-02-13")
        code, _, err = run(capsys, "drift", str(table), "--from", "CL=1999-01-01")
        assert code == 2 and "no bundled CL release of that version" in err
