"""Round two: copy-paste damage inside one cell. Each case: the column, the damaged value put on
line 7 of the valid table, and the cleaned value `fix` must propose (None where no cleaning is
certain)."""

from __future__ import annotations

ZWSP, NBSP, SHY, BOM = "\u200b", "\u00a0", "\u00ad", "\ufeff"
CYRILLIC_ES = "\u0421"

COPY_PASTE: list[tuple[str, str, str | None]] = [
    ("ontology_curie", f"CL:{ZWSP}0000084", "CL:0000084"),
    ("ontology_curie", f"CL:0000084{NBSP}", "CL:0000084"),
    ("ontology_curie", f"CL:00{SHY}00084", "CL:0000084"),
    ("ontology_curie", f"{BOM}CL:0000084", "CL:0000084"),
    ("ontology_curie", "CL:" + "".join(chr(0xFF10 + int(d)) for d in "0000084"), "CL:0000084"),
    ("ontology_curie", "CL:" + "".join(chr(0x0660 + int(d)) for d in "0000084"), "CL:0000084"),
    ("ontology_curie", f"{CYRILLIC_ES}L:0000084", "CL:0000084"),
    ("strand", "\u2212", "-"),  # the cleaning is certain; TM103 then says DNASE takes "."
    ("name", f"CL:0000084 DNase{ZWSP}-seq", "CL:0000084 DNase-seq"),
]
