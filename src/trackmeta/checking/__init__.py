"""The check job: the pipeline that turns tables into a Report (short named steps), the checks that
yield findings (ontology, cross-column, release), the reconciliation of fixes, baselines and the
Report itself.

May import: io, specs, ontology and the core modules.
"""
