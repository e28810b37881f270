"""The documented defaults and limits (pre-request answers, input size), in one light module:
the command line reads them without importing the machinery that uses them."""

MAX_SUGGESTIONS = 5  # suggestions shown per output type; the output says how many more exist
MAX_DISTANCE = 4  # ontology steps (is_a, part_of) to look for terms with tracks
SEARCH_LIMIT = 10  # matches `search` shows; the output says how many more exist
NAME_MATCHES = 5  # matches `terms` shows for a name given instead of a CURIE
DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB of (decompressed) input per file


def parse_size(text: str) -> int:
    """'200M', '2G', '1048576' -> bytes."""
    units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    cleaned = text.strip().upper().removesuffix("B").removesuffix("I")
    number, unit = (cleaned[:-1], cleaned[-1]) if cleaned[-1:] in units else (cleaned, "")
    try:
        value = int(float(number) * units[unit])
    except (ValueError, KeyError, OverflowError):
        raise ValueError(f"not a size: {text!r} (e.g. 500M, 2G)") from None
    if value <= 0:
        raise ValueError(f"a size must be positive, not {text!r}")
    return value
