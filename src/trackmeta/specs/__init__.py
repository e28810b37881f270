"""The declarative specs (`schemas/`, `ontologies/`) as typed objects, checked against their
meta-schemas: output types, columns, organisms and their views, CURIE syntax, and the pandera
schemas compiled from them.

May import: the core modules.
"""
