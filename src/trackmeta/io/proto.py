"""The official AlphaGenome metadata, a `MetadataResponse` protobuf as text or binary, read with
`protobuf` alone: the message types are declared here from the public proto's facts (names,
numbers, types, enums), so the core install reads what the AlphaGenome team publishes without
the SDK.

The text form is read by a line parser for the layout protobuf's own printer writes (one field
per line), which is about ten times faster than `text_format`; anything else (several fields on
a line, lists, other quotes) is parsed by `text_format` with the same descriptor. Both give the
same `Response`, and `table()` makes of it the table the SDK's `metadata_from_proto` makes.
Fields the descriptor does not know (a newer proto) are skipped and named (TM011).
"""

from __future__ import annotations

import hashlib
import marshal
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from trackmeta.findings import Failure, Finding
from trackmeta.io.table import ReadError, Table
from trackmeta.rules import rule

PACKAGE = "google.gdm.gdmscience.alphagenome.v1main"
Record = dict[str, Any]  # a message's present fields; a nested message is a Record

# The public proto's enums and messages: (field, number, kind, how, message or enum type).
# `how` is "" for a proto3 field without presence, "optional" for a proto3 optional field,
# "repeated", or "oneof NAME".
ENUMS: dict[str, tuple[str, ...]] = {
    "OutputType": ("OUTPUT_TYPE_UNSPECIFIED", "OUTPUT_TYPE_ATAC", "OUTPUT_TYPE_CAGE",
                   "OUTPUT_TYPE_DNASE", "OUTPUT_TYPE_RNA_SEQ", "OUTPUT_TYPE_CHIP_HISTONE",
                   "OUTPUT_TYPE_CHIP_TF", "OUTPUT_TYPE_SPLICE_SITES",
                   "OUTPUT_TYPE_SPLICE_SITE_USAGE", "OUTPUT_TYPE_SPLICE_JUNCTIONS", "",
                   "OUTPUT_TYPE_CONTACT_MAPS", "OUTPUT_TYPE_PROCAP"),  # 10 is not used
    "Strand": ("STRAND_UNSPECIFIED", "STRAND_POSITIVE", "STRAND_NEGATIVE", "STRAND_UNSTRANDED"),
    "OntologyType": ("ONTOLOGY_TYPE_UNSPECIFIED", "ONTOLOGY_TYPE_CLO", "ONTOLOGY_TYPE_UBERON",
                     "ONTOLOGY_TYPE_CL", "ONTOLOGY_TYPE_EFO", "ONTOLOGY_TYPE_NTR"),
    "BiosampleType": ("BIOSAMPLE_TYPE_UNSPECIFIED", "BIOSAMPLE_TYPE_PRIMARY_CELL",
                      "BIOSAMPLE_TYPE_IN_VITRO_DIFFERENTIATED_CELLS", "BIOSAMPLE_TYPE_CELL_LINE",
                      "BIOSAMPLE_TYPE_TISSUE", "BIOSAMPLE_TYPE_TECHNICAL_SAMPLE",
                      "BIOSAMPLE_TYPE_ORGANOID"),
    "Endedness": ("ENDEDNESS_UNSPECIFIED", "ENDEDNESS_SINGLE", "ENDEDNESS_PAIRED"),
}
MESSAGES: dict[str, tuple[tuple[str, int, str, str, str], ...]] = {
    "MetadataResponse": (("output_metadata", 1, "message", "repeated", "OutputMetadata"),),
    "OutputMetadata": (
        ("output_type", 1, "enum", "", "OutputType"),
        ("tracks", 2, "message", "oneof payload", "TracksMetadata"),
        ("junctions", 3, "message", "oneof payload", "JunctionsMetadata"),
    ),
    "TracksMetadata": (("metadata", 1, "message", "repeated", "TrackMetadata"),),
    "TrackMetadata": (
        ("name", 1, "string", "", ""),
        ("strand", 2, "enum", "", "Strand"),
        ("ontology_term", 3, "message", "", "OntologyTerm"),
        ("biosample", 4, "message", "", "Biosample"),
        ("assay", 5, "string", "optional", ""),
        ("gtex_tissue", 8, "string", "optional", ""),
        ("histone_mark_code", 9, "string", "optional", ""),
        ("transcription_factor_code", 10, "string", "optional", ""),
        ("data_source", 11, "string", "optional", ""),
        ("endedness", 12, "enum", "optional", "Endedness"),
        ("genetically_modified", 13, "bool", "optional", ""),
        ("nonzero_mean", 14, "float", "optional", ""),
    ),
    "JunctionsMetadata": (("metadata", 1, "message", "repeated", "JunctionMetadata"),),
    "JunctionMetadata": (
        ("name", 1, "string", "", ""),
        ("ontology_term", 2, "message", "", "OntologyTerm"),
        ("biosample", 3, "message", "", "Biosample"),
        ("gtex_tissue", 4, "string", "optional", ""),
        ("data_source", 5, "string", "optional", ""),
        ("assay", 6, "string", "optional", ""),
    ),
    "OntologyTerm": (("ontology_type", 1, "enum", "", "OntologyType"), ("id", 2, "int64", "", "")),
    "Biosample": (
        ("type", 1, "enum", "", "BiosampleType"),
        ("name", 2, "string", "", ""),
        ("stage", 3, "string", "optional", ""),
    ),
}
TEXT_SUFFIXES = (".textproto", ".pbtxt", ".txtpb")


@dataclass(frozen=True)
class Block:
    """One output type's metadata: its tracks (or junctions) as records, each with its line."""

    output_type: str  # OutputType's name without its prefix (ATAC), or the number it carries
    junctions: bool
    records: list[Record]
    lines: list[int] | None  # the line of each record's `metadata {` (text only)


@dataclass(frozen=True)
class Response:
    blocks: list[Block]
    findings: list[Finding] = field(default_factory=list)  # fields the descriptor does not know


def is_textproto(data: bytes) -> bool:
    return data.lstrip()[:16].startswith(b"output_metadata")


def enum_name(enum: str, number: int) -> str:
    """The value's name; a number the declared enum lacks (a newer proto) stays a number."""
    names = ENUMS[enum]
    return names[number] if 0 <= number < len(names) and names[number] else str(number)


@cache
def message_class(name: str = "MetadataResponse") -> Any:
    """The declared message type, built once in a private pool (never the SDK's)."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    kinds = {"message": 11, "enum": 14, "string": 9, "bool": 8, "float": 2, "int64": 3}
    proto = descriptor_pb2.FileDescriptorProto(
        name="trackmeta/alphagenome_metadata.proto", package=PACKAGE, syntax="proto3")
    for enum, values in ENUMS.items():
        declared = proto.enum_type.add(name=enum)
        for number, value in enumerate(values):
            if value:
                declared.value.add(name=value, number=number)
    for message, fields in MESSAGES.items():
        declared_message = proto.message_type.add(name=message)
        real = sorted({how.split()[1] for *_, how, _ in fields if how.startswith("oneof")})
        for oneof in real:
            declared_message.oneof_decl.add(name=oneof)
        for name_, number, kind, how, ref in fields:
            declared_field = declared_message.field.add(
                name=name_, number=number, type=kinds[kind], label=3 if how == "repeated" else 1)
            if ref:
                declared_field.type_name = f".{PACKAGE}.{ref}"
            if how.startswith("oneof"):
                declared_field.oneof_index = real.index(how.split()[1])
            elif how == "optional":
                declared_field.proto3_optional = True
                declared_field.oneof_index = len(declared_message.oneof_decl)
                declared_message.oneof_decl.add(name=f"_{name_}")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{PACKAGE}.{name}"))


def parse(data: bytes, where: str, text: bool) -> Response:
    """The MetadataResponse in `data`, refused (ReadError) when it is not one: an empty message or
    protobuf data of another kind never passes. Imports no pandas."""
    response = None
    if text:
        try:
            response = _parse_lines(data.decode("utf-8"), where)
        except (_NotCanonical, UnicodeDecodeError):
            response = None
    if response is None:
        response = _from_message(_parse_message(data, where, text), where, data if text else None)
    _refuse_foreign(response, where)
    return response


def _refuse_foreign(response: Response, where: str) -> None:
    if not response.blocks:
        raise ReadError(Failure(
            "not an AlphaGenome MetadataResponse: the message holds no output_metadata (an empty "
            "file, or protobuf data of another kind)", where))
    for number, block in enumerate(response.blocks, 1):
        missing = ("no output type" if block.output_type == "UNSPECIFIED"
                   else "no tracks or junctions" if block.records is _NO_PAYLOAD else None)
        if missing:
            raise ReadError(Failure(
                f"not an AlphaGenome MetadataResponse: output_metadata {number} has {missing} "
                "(protobuf data of another kind?)", where))


_NO_PAYLOAD: list[Record] = []  # the marker of a block with neither tracks nor junctions


# -- text, the printer's layout ------------------------------------------------------------------

class _NotCanonical(Exception):
    """The text is not in the one-field-per-line layout: `text_format` reads it instead."""


_CANONICAL = re.compile(  # one field or closing brace on a line, indented as the printer does
    r'^ *(?:(\w+)(?: \{|: ("[^"\\\n]*(?:\\.[^"\\\n]*)*"|[-+.\w]+))|(\}))$', re.MULTILINE)
_LINE = re.compile(  # the same, or a blank or comment line, with a comment after any of them
    r'[ \t]*(?:([A-Za-z_]\w*)[ \t]*(?:\{|:[ \t]*("(?:[^"\\\n]|\\.)*"|[-+.\w]+))|(\}))?'
    r"[ \t]*(?:#[^\n]*)?(?:\r?\n|\Z)")
_DECIMAL = re.compile(r"-?(?:0|[1-9]\d*)")
_FLOAT = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_BOOLS = {"true": True, "True": True, "t": True, "1": True,
          "false": False, "False": False, "f": False, "0": False}
_FIELDS = {m: {f[0]: f for f in fields} for m, fields in MESSAGES.items()}


def _lines(text: str) -> list[tuple[str, str, str]]:
    """(field, value, closing brace) per physical line; a line with neither is blank. One
    regular expression over the whole text where every line is the printer's."""
    found = _CANONICAL.findall(text)
    if len(found) == text.count("\n") + (not text.endswith("\n")):
        return found
    lines, position = [], 0
    while position < len(text):
        match = _LINE.match(text, position)
        if match is None or match.end() == position:
            raise _NotCanonical
        lines.append((match.group(1) or "", match.group(2) or "", match.group(3) or ""))
        position = match.end()
    return lines


def _parse_lines(text: str, where: str) -> Response:
    """The printer's layout, one field or brace per line, read without building messages."""
    stack: list[tuple[str, Record]] = [("MetadataResponse", {})]
    fields, record = _FIELDS["MetadataResponse"], stack[-1][1]
    record_lines: dict[int, int] = {}  # id(record) -> line of its `metadata {`
    findings: list[Finding] = []
    skipping = 0  # depth inside a message the descriptor does not know
    for line, (name, value, close) in enumerate(_lines(text), 1):
        if value:
            if skipping:
                continue
            declared = fields.get(name)
            if declared is None:
                findings.append(_unknown(stack[-1][0], name, where, line))
            elif name in record or declared[2] == "message" or declared[3] == "repeated":
                raise _NotCanonical  # set twice, or a value for a message: text_format says how
            elif declared[2] == "string" and value[0] == '"' and "\\" not in value:
                record[name] = value[1:-1]
            else:
                record[name] = _scalar(declared[2], declared[4], value)
        elif close:
            if skipping:
                skipping -= 1
                continue
            stack.pop()
            if not stack:
                raise _NotCanonical
            fields, record = _FIELDS[stack[-1][0]], stack[-1][1]
        elif name:
            if skipping:
                skipping += 1
                continue
            declared = fields.get(name)
            if declared is None:
                findings.append(_unknown(stack[-1][0], name, where, line))
                skipping = 1
                continue
            child = _child(record, name, declared, fields)
            if name == "metadata":
                record_lines[id(child)] = line
            stack.append((declared[4], child))
            fields, record = _FIELDS[declared[4]], child
    if len(stack) != 1:
        raise _NotCanonical
    return _response(stack[0][1], findings, record_lines)


def _child(record: Record, name: str, declared: tuple[str, int, str, str, str],
           fields: dict[str, tuple[str, int, str, str, str]]) -> Record:
    """The record a `name {` line opens inside `record`."""
    _, _, kind, how, _ = declared
    child: Record = {}
    if kind != "message":
        raise _NotCanonical
    if how == "repeated":
        record.setdefault(name, []).append(child)
    elif name in record or (how.startswith("oneof") and any(
            fields[other][3] == how for other in record)):
        raise _NotCanonical  # set twice: text_format says how
    else:
        record[name] = child
    return child


def _scalar(kind: str, enum: str, value: str) -> Any:
    """A scalar as protobuf stores it, or _NotCanonical where text_format must judge."""
    if kind == "string":
        if not value.startswith('"'):
            raise _NotCanonical
        body = value[1:-1]
        if "\\" not in body:
            return body
        from google.protobuf import text_encoding

        try:
            return text_encoding.CUnescape(body).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            raise _NotCanonical from None
    if kind == "enum":
        names = ENUMS[enum]
        if value in names and value:
            return names.index(value)
        if _DECIMAL.fullmatch(value):
            return int(value)
        raise _NotCanonical
    if kind == "int64" and _DECIMAL.fullmatch(value):
        return int(value)
    if kind == "bool" and value in _BOOLS:
        return _BOOLS[value]
    if kind == "float" and _FLOAT.fullmatch(value):
        try:
            return struct.unpack("f", struct.pack("f", float(value)))[0]  # stored as float32
        except OverflowError:
            raise _NotCanonical from None
    raise _NotCanonical


def _unknown(message: str, name: str, where: str, line: int | None) -> Finding:
    return rule("TM011").finding(
        f"{message} field {name!r} is not in the descriptor trackmeta declares (a newer proto?); "
        "its value was read past and not checked", value=name, path=where, line=line)


def _response(root: Record, findings: list[Finding], record_lines: dict[int, int]) -> Response:
    blocks = []
    for block in root.get("output_metadata", []):
        junctions = "junctions" in block
        payload = block.get("junctions" if junctions else "tracks")
        records = payload.get("metadata", []) if payload is not None else _NO_PAYLOAD
        lines = [record_lines[id(r)] for r in records] if record_lines else None
        blocks.append(Block(enum_name("OutputType", block.get("output_type", 0))
                            .removeprefix("OUTPUT_TYPE_"), junctions, records, lines))
    return Response(blocks, findings)


# -- messages: binary, and text in any other layout -----------------------------------------------

def _parse_message(data: bytes, where: str, text: bool) -> Any:
    from google.protobuf import text_format

    message = message_class()()
    try:
        if text:
            text_format.Parse(data.decode("utf-8"), message, allow_unknown_field=True)
        else:
            message.ParseFromString(data)
    except Exception as exc:  # protobuf raises ParseError, DecodeError, UnicodeDecodeError
        raise ReadError(Failure(f"not an AlphaGenome MetadataResponse: {exc}", where)) from None
    return message


def _from_message(message: Any, where: str, text: bytes | None) -> Response:
    findings: list[Finding] = []
    root = _record(message, "MetadataResponse", where, findings)
    response = _response(root, findings, {})
    if text is None:
        return response
    starts = _track_lines(text)
    if len(starts) != sum(len(b.records) for b in response.blocks):
        return response
    blocks, taken = [], 0
    for block in response.blocks:
        blocks.append(Block(block.output_type, block.junctions, block.records,
                            starts[taken:taken + len(block.records)]))
        taken += len(block.records)
    return Response(blocks, findings)


def _record(message: Any, name: str, where: str, findings: list[Finding]) -> Record:
    """A message's present fields as a Record, naming the fields it carries unknown."""
    from google.protobuf.unknown_fields import UnknownFieldSet

    for unknown in UnknownFieldSet(message):
        findings.append(_unknown(name, f"#{unknown.field_number}", where, None))
    record: Record = {}
    for descriptor, value in message.ListFields():
        declared = _FIELDS[name][descriptor.name]
        kind, how, ref = declared[2], declared[3], declared[4]
        if kind != "message":
            record[descriptor.name] = value
        elif how == "repeated":
            record[descriptor.name] = [_record(v, ref, where, findings) for v in value]
        else:
            record[descriptor.name] = _record(value, ref, where, findings)
    return record


_TRACK_START = re.compile(rb"^(?P<open>\s*)metadata\s*\{", re.MULTILINE)


def _track_lines(data: bytes) -> list[int]:
    """The line of each track's `metadata {`, counting newlines once through the file."""
    starts: list[int] = []
    line, position = 1, 0
    for match in _TRACK_START.finditer(data):
        line += data.count(b"\n", position, match.start())
        position = match.start()
        starts.append(line + data.count(b"\n", match.start(), match.end("open")))
    return starts


# -- the table the SDK makes ----------------------------------------------------------------------

def curie(term: Record) -> str:
    """`CL:0000084`: the SDK's `ontology_curie`, the prefix and the id padded to seven digits."""
    prefix = enum_name("OntologyType", term.get("ontology_type", 0)).removeprefix("ONTOLOGY_TYPE_")
    return f"{prefix}:{term.get('id', 0):07d}"


_STRANDS = {1: "+", 2: "-", 3: "."}
_RENAMED = (("assay", "Assay title"), ("transcription_factor_code", "transcription_factor"),
            ("histone_mark_code", "histone_mark"), ("gtex_tissue", "gtex_tissue"),
            ("data_source", "data_source"))


def _row(record: Record, junction: bool) -> dict[str, Any]:
    """One track as the SDK's `metadata_from_proto` writes it (keys in the SDK's order)."""
    row: dict[str, Any] = {"name": record.get("name", "")}
    if not junction:
        strand = record.get("strand", 0)
        row["strand"] = _STRANDS.get(strand, enum_name("Strand", strand).removeprefix("STRAND_"))
        if "assay" in record:
            row["Assay title"] = record["assay"]
    if "ontology_term" in record:
        row["ontology_curie"] = curie(record["ontology_term"])
    if "biosample" in record:
        biosample = record["biosample"]
        row["biosample_name"] = biosample.get("name", "")
        row["biosample_type"] = enum_name("BiosampleType", biosample.get("type", 0)).removeprefix(
            "BIOSAMPLE_TYPE_").lower()
        if "stage" in biosample:
            row["biosample_life_stage"] = biosample["stage"]
    for key, column in _RENAMED[1:] if not junction else _RENAMED[3:]:
        if key in record:
            row[column] = record[key]
    if junction:
        if "assay" in record:
            row["Assay title"] = record["assay"]
        return row
    if "endedness" in record:
        row["endedness"] = enum_name("Endedness", record["endedness"]).removeprefix(
            "ENDEDNESS_").lower()
    for key in ("genetically_modified", "nonzero_mean"):
        if key in record:
            row[key] = record[key]
    return row


def rows(response: Response) -> Iterator[tuple[str, dict[str, Any]]]:
    """(output type, row) for every track, in the file's order."""
    for block in response.blocks:
        for record in block.records:
            yield block.output_type, _row(record, block.junctions)


def columns(response: Response) -> dict[str, list[str]]:
    """The SDK's table as text columns: `metadata_from_proto` per output type (columns in the order
    their keys first appear), `output_type` added, and the frames concatenated (columns in order of
    first appearance); a missing value is '', the rest as `str` writes them (True, 0.73974097)."""
    order: dict[str, None] = {}
    made: list[tuple[str, list[dict[str, Any]]]] = []
    for block in response.blocks:
        block_rows = [_row(r, block.junctions) for r in block.records]
        if not block_rows:
            order.update(dict.fromkeys(["name"] if block.junctions else ["name", "strand"]))
        for row in block_rows:
            order.update(dict.fromkeys(row))
        order["output_type"] = None
        made.append((block.output_type, block_rows))
    text: dict[str, list[str]] = {name: [] for name in order or ("name",)}
    for output_type, block_rows in made:
        for row in block_rows:
            row["output_type"] = output_type
            for name, values in text.items():
                value = row.get(name)
                values.append("" if value is None else value if isinstance(value, str) else str(value))
    return text


_ENTRY = re.compile(r"[0-9a-f]{64}\.marshal")


def _cache_file(data: bytes, text: bool) -> Path:
    """Where this content's table is cached: keyed by the content and by this parser's source,
    so that a changed parser never reads an old answer."""
    from trackmeta.cache import cache_dir

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(b"text" if text else b"binary")
    digest.update(data)
    return cache_dir() / "proto" / f"{digest.hexdigest()}.marshal"


def _cached(path: Path) -> tuple[dict[str, list[str]], list[int]] | None:
    """The cached table, when its entry is the user's, verifies and has the table's shape:
    columns of text of one length, and an increasing line number per row."""
    from trackmeta.cache import read_sealed

    payload = read_sealed(path)
    try:
        loaded = marshal.loads(payload) if payload is not None else None
    except (ValueError, EOFError, TypeError):
        return None
    if not (isinstance(loaded, tuple) and len(loaded) == 2 and isinstance(loaded[0], dict)
            and isinstance(loaded[1], list)):
        return None
    text, lines = loaded
    rows = len(lines)
    if not (all(isinstance(k, str) and isinstance(v, list) and len(v) == rows
                and all(type(x) is str for x in v) for k, v in text.items())
            and all(type(n) is int for n in lines)
            and all(a < b for a, b in pairwise(lines))):
        return None
    return text, lines


def _store(path: Path, text: dict[str, list[str]], lines: list[int]) -> None:
    """Cache a table, keeping the most recent few: official files are large and few."""
    from trackmeta.cache import prune, sealed, write_atomic

    write_atomic(path, sealed(marshal.dumps((text, lines))))
    try:  # only the entries this cache writes: 64 hex digits
        ours = [p for p in path.parent.glob("*.marshal") if _ENTRY.fullmatch(p.name)]
        kept = sorted(ours, key=lambda p: p.lstat().st_mtime, reverse=True)
        prune(path.parent, kept[_CACHED_TABLES:])
    except OSError:
        pass


_CACHED_TABLES = 8


def read(data: bytes, where: str, text: bool) -> Table:
    """The table of an official file, from the cache when this content was read before (parsing
    the human textproto takes about 0.1 s; its cached table about 10 ms)."""
    import pandas as pd

    from trackmeta.io.table import from_dataframe

    cache = _cache_file(data, text)
    found = _cached(cache)
    findings: list[Finding] = []
    if found is None:
        response = parse(data, where, text)
        found = columns(response), [n for b in response.blocks for n in (b.lines or [])]
        findings = response.findings
        if not findings:  # a finding names the file it was found in: not cached
            _store(cache, *found)
    frame = pd.DataFrame(found[0], dtype=object)
    result = from_dataframe(frame, where)
    result.findings.extend(findings)
    if len(found[1]) == len(frame):
        result.lines = pd.Series(found[1], dtype="int64")
    return result
