"""Ontology releases: sources (bundled, pronto files, pulled), the compiled index read in place,
the start-up helper that builds missing indexes, and resolution of CURIEs against a release.

May import: specs and the core modules.
"""
