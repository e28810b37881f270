"""The rule catalogue: every rule's stable code, kebab-case name, default severity and doc.

Codes are never reused. TM0xx input and table structure, TM1xx column values, TM2xx ontology
terms, TM3xx cross-column, TM4xx release level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from trackmeta.findings import Finding, Severity


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    why: str
    example: str
    fix: str

    def finding(
        self,
        message: str,
        *,
        column: str | None = None,
        value: str | None = None,
        expected: str | None = None,
        fix: str | None = None,
        row: int | None = None,
        path: str | None = None,
        line: int | None = None,
    ) -> Finding:
        """A finding of this rule; the engine fills in path and line where it knows them."""
        return Finding(
            code=self.code,
            name=self.name,
            severity=self.severity,
            message=message,
            path=path,
            line=line,
            column=column,
            value=value,
            expected=expected,
            fix=fix,
            row=row,
        )


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741

_ALL = (
    Rule("TM001", "missing-column", E,
         "A column the output type requires is absent from the table.",
         "Every track of the output type needs the value; without the column none has it.",
         "A CHIP_HISTONE table without a `histone_mark` column.",
         "Add the column with a value on every row."),
    Rule("TM002", "unknown-column", W,
         "The header names a column that no output type spec defines.",
         "A misspelt column (`ontology_curi`) silently carries data nobody checks.",
         "A column `biosample` next to `biosample_name`.",
         "Rename it to the column it was meant to be, or drop it."),
    Rule("TM003", "duplicate-column", E,
         "The header names the same column twice.",
         "Readers keep one of the two silently; which one differs from tool to tool.",
         "`name\\tstrand\\tname`",
         "Keep one column of that name."),
    Rule("TM004", "ragged-row", E,
         "A row has more or fewer fields than the header.",
         "Values shift into the wrong columns; the row cannot be read reliably and is not checked.",
         "A row with 14 fields under a 15-column header (a tab lost in an edit).",
         "Give the row exactly one field per header column (empty fields stay as empty strings)."),
    Rule("TM005", "unknown-output-type", E,
         "The `output_type` value is not exactly the name of an output type in schemas/.",
         "The row cannot be checked against any spec and no model output matches it; aliases such "
         "as `rnaseq` are for file names, not for values that programs compare.",
         "`output_type` = `OutputType.RNASEQ` or `rna_seq`.",
         "Use one of the names (RNA_SEQ, CAGE, ...), with or without the `OutputType.` prefix; "
         "`fix` gives the closest."),
    Rule("TM006", "empty-table", E,
         "The table has a header and no rows.",
         "An empty table in a release usually means a failed export; passing it would accept "
         "no metadata at all.",
         "A file holding only the header line.",
         "Export the tracks again, or drop the file from the release."),
    Rule("TM007", "byte-order-mark", W,
         "The file starts with a UTF-8 byte order mark.",
         "Many readers take the mark as part of the first column's name (`\\ufeffname`).",
         "A TSV saved by a spreadsheet program as 'UTF-8 with BOM'.",
         "Save the file as plain UTF-8."),
    Rule("TM008", "organism-mismatch", W,
         "The table holds values that only another organism's metadata allows.",
         "Metadata checked as the wrong organism gets one false alarm per row (a mouse "
         "`postnatal` life stage checked as human), or lets the other organism's values pass.",
         "Mouse metadata with `biosample_life_stage` = `postnatal`, checked as human (the default).",
         "Declare the organism: `--organism mouse`, `check(..., organism='mouse')`, or "
         "`organism: mouse` in the release's manifest.yaml."),
    Rule("TM009", "output-type-not-served", E,
         "The output type exists, but AlphaGenome does not serve it for this organism.",
         "No request for that organism returns such tracks.",
         "A PROCAP row in mouse metadata.",
         "Drop the row, or check the table as the organism it belongs to."),
    Rule("TM010", "empty-column-name", E,
         "A column of the header has no name.",
         "Usually a delimiter at the end of every line: the table holds a column nobody declared "
         "and no check can judge.",
         "`name\\tstrand\\t` (a trailing tab).",
         "Remove the trailing delimiter, or name the column."),
    Rule("TM011", "unknown-proto-field", I,
         "The protobuf metadata carries a field the descriptor trackmeta declares does not know.",
         "A newer AlphaGenome proto may add fields; trackmeta reads past them, so nothing in them "
         "is checked.",
         "`tissue_code: \"X\"` inside a track's `metadata { ... }`.",
         "Upgrade trackmeta if the field is official; otherwise remove it."),
    Rule("TM012", "invisible-character", E,
         "A value holds a character a reader cannot see or cannot tell from another: a control "
         "character, a zero-width or no-break space, a byte order mark, a full-width or "
         "non-ASCII digit, a Greek or Cyrillic letter among Latin ones, a Unicode dash.",
         "The value differs from the one it shows: `CL:0000084` with a zero-width space matches "
         "no term and no track, and every message about it reads like the valid value.",
         "`ontology_curie` = `CL:0000084` with U+200B ZERO WIDTH SPACE after the colon, or "
         "with U+0421 CYRILLIC CAPITAL LETTER ES for the C; strand U+2212 MINUS SIGN.",
         "Retype the value, or take the cleaned value in `fix` where the cleaning is certain."),
    Rule("TM101", "missing-value", E,
         "A column the output type requires is empty on this row.",
         "A track without, say, its ontology term cannot be selected or interpreted.",
         "A DNASE row with an empty `biosample_type`.",
         "Fill in the value."),
    Rule("TM102", "unexpected-value", E,
         "A column the output type does not use has a value on this row.",
         "The value describes another output type's data (a histone mark on an RNA-seq track).",
         "An RNA_SEQ row with `histone_mark` = `H3K27ac`.",
         "Empty the field, or move the row to the output type it belongs to."),
    Rule("TM103", "value-not-allowed", E,
         "The value is not one of the values the column allows for this output type.",
         "Consumers select tracks by these values; an unknown one is never selected.",
         "A CAGE row with `strand` = `.` (CAGE tracks are stranded).",
         "Use one of the allowed values listed in `expected`."),
    Rule("TM104", "surrounding-whitespace", E,
         "The value has leading or trailing whitespace.",
         ("`'CL:0000084 '` differs from `'CL:0000084'` in every join and lookup; "
          "trackmeta never strips it silently."),
         "`biosample_name` = `'T-cell '`.",
         "Remove the surrounding whitespace."),
    Rule("TM105", "not-a-positive-number", E,
         "The value is not a finite positive number.",
         "`nonzero_mean` scales the track; zero, negative, NaN or text breaks normalisation.",
         "`nonzero_mean` = `-0.3` or `nan`.",
         "Give the mean of the track's non-zero values, a finite number above 0."),
    Rule("TM106", "pattern-mismatch", E,
         "The value does not have the form the column requires.",
         "A value outside the column's form (stray characters in a ChIP target) is a typo that no "
         "vocabulary can read.",
         "`transcription_factor` = `CTCF;`.",
         "Write the value in the column's nomenclature (see `expected`)."),
    Rule("TM107", "unknown-gene-target", W,
         "The ChIP target is not a gene name of the organism's GENCODE release.",
         "Targets are matched by gene name; a name GENCODE does not carry (a retired symbol, a "
         "typo) finds no gene, and tracks of one protein end up under several names.",
         "`transcription_factor` = `CTFC` (CTCF) in human metadata.",
         "Use the current gene name; the finding lists candidates: the genes an ambiguous "
         "former symbol or an alias names, else the spellings one edit away, never a fix unless "
         "the row's own track name names exactly one of them."),
    Rule("TM112", "former-gene-symbol", W,
         "The ChIP target is a former symbol of a gene, which GENCODE now names otherwise.",
         "A retired symbol finds no gene, and the protein's other tracks sit under its current "
         "name; a symbol that once named several genes is for a person to settle.",
         "`transcription_factor` = `ARNTL` (HGNC renamed it BMAL1) in human metadata.",
         "Use the current symbol (in `fix`, and in the track name that ends with it)."),
    Rule("TM108", "gene-target-spelling", W,
         "The ChIP target is a gene name but for case or spaces, or is written as the other "
         "organism's symbol.",
         "`ep300`, `EP 300` and `Ep300` are one protein to a reader and three to every tool.",
         "`transcription_factor` = `Cebpa` (a mouse-cased symbol) in human metadata.",
         "Write the gene name as GENCODE does (in `fix`); mouse targets may be upper-case, as "
         "ENCODE writes them."),
    Rule("TM109", "gene-target-as-date", E,
         "The ChIP target is a date a spreadsheet made of a gene symbol.",
         "Spreadsheets turn SEPT2 into 2-Sep and MARCH1 into 1-Mar; the gene is lost silently.",
         "`transcription_factor` = `2-Sep`.",
         "Use the gene's current name (in `fix`: SEPTIN2) and keep the column as text."),
    Rule("TM110", "malformed-histone-mark", E,
         "The histone mark is not a histone modification name: histone, residue, position, "
         "modification and state (H3K27ac), or an impossible state (me4).",
         "Marks are compared as names; `H3K27ax` or `H3k9me3` matches no track of the mark meant.",
         "`histone_mark` = `H3K4me4` or `H3k9me3`.",
         "Write the mark in Brno nomenclature (in `fix` where only the case is off)."),
    Rule("TM111", "histone-variant-symbol", I,
         "The histone mark is the gene symbol of a histone variant (H2AFZ, H3F3A), not a "
         "modification.",
         "A variant is a ChIP target of its own; its old gene symbol (H2AFZ, now H2AZ1) reads "
         "like a mark to tools that expect one.",
         "`histone_mark` = `H2AFZ`.",
         "Nothing to change if the track is ChIP of the variant; the finding names the histone."),
    Rule("TM201", "malformed-curie", E,
         "The ontology term is not a CURIE of the form PREFIX:digits.",
         "A term that cannot be parsed cannot be looked up in any ontology.",
         "`ontology_curie` = `CL_0000084` or `CL:84a`.",
         "Write the term as PREFIX:digits, e.g. `CL:0000084`."),
    Rule("TM202", "curie-prefix-not-allowed", E,
         "The CURIE's prefix is not one of the ontologies declared in ontologies/releases/.",
         "AlphaGenome biosamples are described with CL, UBERON, EFO, CLO or NTR terms only.",
         "`ontology_curie` = `cl:0000084` or `MONDO:0005148`.",
         "Use a term of a declared ontology (prefixes are case-sensitive)."),
    Rule("TM203", "curie-id-format", E,
         "The CURIE's local id does not have the number of digits its ontology uses.",
         "`CL:84` and `CL:0000084` look alike to people but are different strings to every tool.",
         "`ontology_curie` = `UBERON:2245`.",
         "Zero-pad the id to the ontology's width, e.g. `UBERON:0002245`."),
    Rule("TM204", "unknown-term", E,
         "The CURIE is well formed but is not a term of the pinned ontology release (for NTR "
         "ids: not in ENCODE's list of new term requests).",
         "A term the release does not know selects no tracks and describes nothing.",
         "`ontology_curie` = `CL:9999999`.",
         "Use the term the biosample name means (`fix` suggests one by label when it can)."),
    Rule("TM205", "obsolete-term", E,
         "The term is obsolete in the pinned release.",
         "Obsolete terms drop out of ontology-aware searches and may have been merged or split.",
         "`ontology_curie` = `CL:0010003` (obsolete; replaced by CL:0000322).",
         "Use the replacement named in the finding; where only candidates are listed, choose one "
         "by hand: no automatic replacement is safe."),
    Rule("TM206", "provisional-term", W,
         "The id is an ENCODE new term request (NTR), not a term of any ontology release.",
         "Provisional ids cannot be resolved, related to other terms or found by ontology search.",
         "`ontology_curie` = `NTR:0000856`.",
         "Replace it with the ontology term it was requested as, once that term exists."),
    Rule("TM207", "unresolved-term", I,
         "No release of the term's ontology is loaded, so only its syntax was checked.",
         "Nothing is known of such a term: it may be unknown or obsolete.",
         "`ontology_curie` = `CLO:0026782` without `--ontology CLO=cl.owl`.",
         "Give a release of that ontology with `--ontology PREFIX=PATH`."),
    Rule("TM208", "biosample-name-mismatch", W,
         "biosample_name is neither the term's label nor one of its synonyms.",
         "A name that describes another biosample means the name or the term is wrong.",
         "`biosample_name` = `mesenchymal cell` with CL:0000134 ('mesenchymal stem cell').",
         "Use the term's label (in `expected`), or the term that the name means."),
    Rule("TM209", "biosample-name-near-match", W,
         "biosample_name is a broad, narrow or related synonym of the term, not its label or an "
         "exact synonym.",
         "A non-exact synonym names a neighbouring concept: the name says something other than "
         "the term.",
         "`biosample_name` = a related synonym of the row's term (in a release that carries "
         "them, such as a pulled OBO).",
         "Use the label (in `fix`), or the term the name means."),
    Rule("TM213", "biosample-name-variant", I,
         "biosample_name is one of the term's names written otherwise: case, punctuation, word "
         "order, a plural, a trailing 'cell', or an abbreviation trackmeta declares.",
         "`T47D` for 'T-47D cell' or `lung fibroblast` for 'fibroblast of lung' is the same name "
         "to a curator; only tools comparing strings stumble on it.",
         "`biosample_name` = `HT1080` on EFO:0002059 ('HT-1080 cell').",
         "Nothing to change; the label is in `fix` for releases that want names verbatim."),
    Rule("TM210", "biosample-type-mismatch", W,
         "The term does not fit the biosample_type: wrong ontology, or outside the type's branch.",
         "Tracks are chosen by biosample type; a tissue described by a cell line term misleads.",
         "`biosample_type` = `primary_cell` with `UBERON:0000948` (heart).",
         "Fix the biosample_type or the term; the branches are declared in "
         "ontologies/biosample_types.yaml."),
    Rule("TM211", "gtex-term-mismatch", E,
         "The row's ontology term is not the term its gtex_tissue maps to.",
         "GTEx tracks are found by tissue and by term; the two must name the same tissue.",
         "`Brain_Cerebellar_Hemisphere` with UBERON:0002037 (cerebellum) instead of UBERON:0002245.",
         "Use the term of ontologies/gtex_tissues.yaml for that tissue (in `fix`)."),
    Rule("TM212", "unknown-cell-line-name", I,
         "A cell line whose term no release can resolve (CLO) has a name Cellosaurus does not "
         "know either.",
         "With no release to check the term, the name is the only handle on the cell line; one "
         "that no catalogue knows may be a typo or an internal id.",
         "`biosample_name` = `GM1939` on CLO:0026782, a `cell_line` row.",
         "Check the name against Cellosaurus or give a CLO release with `--ontology CLO=...`."),
    Rule("TM301", "name-curie-mismatch", E,
         "The track name embeds a CURIE that differs from the row's `ontology_curie`.",
         "Names are built from the term; a different one means the name or the term was edited alone.",
         "`name` = `CL:0000084 ATAC-seq` with `ontology_curie` = `CL:0000100`.",
         "Make the name and the term agree."),
    Rule("TM302", "duplicate-track", E,
         "Another row has the same output type, name and strand.",
         "Tracks are addressed by (output type, name, strand); a duplicate makes the choice ambiguous.",
         "Two RNA_SEQ rows `UBERON:0000948 total RNA-seq` on strand `+`.",
         "Remove the duplicate or give the tracks distinct names."),
    Rule("TM303", "gtex-tissue-source-mismatch", E,
         "`gtex_tissue` is set on a row whose `data_source` is not `gtex`, or missing on a GTEx row.",
         "GTEx tracks are selected by tissue; a tissue on an ENCODE track, or none on a GTEx one, misleads.",
         "An RNA_SEQ row with `data_source` = `encode` and `gtex_tissue` = `Liver`.",
         "Set `gtex_tissue` exactly on the rows whose `data_source` is `gtex`."),
    Rule("TM401", "units-mismatch", E,
         "A `units` column or the release manifest disagrees with the output type's units (Table 1).",
         "Values in other units are misread by every consumer of the predictions.",
         "CHIP_TF declared in `Normalized read signal` instead of `Fold-change over control`.",
         "Declare the units of Table 1 for that output type."),
    Rule("TM402", "resolution-mismatch", E,
         "A `resolution` column or the release manifest disagrees with the output type's resolution.",
         "Positions are computed from the resolution; a wrong one shifts every prediction.",
         "CONTACT_MAPS declared at `128bp` instead of `2048bp`.",
         "Declare the resolution of Table 1 for that output type."),
    Rule("TM403", "track-count-differs", E,
         "The number of tracks of an output type differs from the expected count (`--expect table1`).",
         "A release that lost or gained tracks changes what every request returns.",
         "RNA_SEQ with 660 tracks where Table 1 says 667.",
         "Restore the missing tracks, or update the expectation with the release notes."),
    Rule("TM404", "biosample-count-differs", E,
         "The number of distinct biosamples (ontology terms) of an output type differs from the expectation.",
         "Biosample coverage is what users choose output types by.",
         "DNASE with 300 distinct terms where Table 1 says 305.",
         "Restore the missing biosamples, or update the expectation."),
)

RULES: Mapping[str, Rule] = MappingProxyType({rule.code: rule for rule in _ALL})


def rule(code: str) -> Rule:
    """The rule with this code; KeyError names the code when there is none."""
    return RULES[code]


def find_rule(code_or_name: str) -> Rule | None:
    """Look a rule up by code (case-insensitive) or by kebab-case name."""
    wanted = code_or_name.strip()
    if wanted.upper() in RULES:
        return RULES[wanted.upper()]
    return next((r for r in RULES.values() if r.name == wanted.lower()), None)


@dataclass(frozen=True)
class RuleSelection:
    """Which rules run, by code prefix, as ruff's --select/--ignore: the longer prefix wins."""

    select: tuple[str, ...] = ("TM",)
    ignore: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for prefix in (*self.select, *self.ignore):
            if not any(code.startswith(prefix.upper()) for code in RULES):
                from trackmeta.words import did_you_mean

                raise ValueError(f"no rule code starts with {prefix!r}{did_you_mean(prefix, RULES)}"
                                 " (see `trackmeta rules`)")
        if not any(self.enabled(code) for code in RULES):
            raise ValueError("the selection runs no rule: --select names none, or --ignore "
                             "removes all it names")

    def enabled(self, code: str) -> bool:
        best_select = max((len(p) for p in self.select if code.startswith(p.upper())), default=-1)
        best_ignore = max((len(p) for p in self.ignore if code.startswith(p.upper())), default=-1)
        return best_select > best_ignore

    def filter(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings of enabled rules (each code decided once: a run has a few codes and
        may have a great many findings)."""
        decided: dict[str, bool] = {}
        return [f for f in findings
                if decided.get(f.code) or (f.code not in decided
                                           and decided.setdefault(f.code, self.enabled(f.code)))]
