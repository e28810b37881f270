"""The documented defaults of the pre-request answers, in one light module (the command line
reads them without importing the ontology machinery)."""

MAX_SUGGESTIONS = 5  # suggestions shown per output type; the output says how many more exist
MAX_DISTANCE = 4  # ontology steps (is_a, part_of) to look for terms with tracks
SEARCH_LIMIT = 10  # matches `search` shows; the output says how many more exist
NAME_MATCHES = 5  # matches `terms` shows for a name given instead of a CURIE
