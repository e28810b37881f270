"""The curation job: repair a release (`fix`), compare two releases by track identity (`diff`),
and compare ontology releases over the terms a release uses (`drift`).

May import: checking (a repair is made from a check's findings), io, specs, ontology and the core
modules.
"""
