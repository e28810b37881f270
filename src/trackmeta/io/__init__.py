"""Every input shape becomes one Table: delimited text (gzip too), Parquet, the official
MetadataResponse protobuf, DataFrames and the SDK's objects, read safely (regular files and stdin
only, bounded decompression) and written atomically.

May import: the core modules (findings, rules, limits, ...). Nothing here knows the specs.
"""
