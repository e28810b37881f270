"""Ontology releases: sources (bundled, pronto files, pulled), the compiled index, resolution."""
