"""The pre-request job: answers before an AlphaGenome request. Availability of tracks per term,
term checks with suggestions, search by name, single-CURIE resolution and the client guard.

May import: io, specs, ontology and the core modules (never checking or curation: no pandas on
this path).
"""
