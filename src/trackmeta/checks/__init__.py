"""Checks beyond one column's values: each function only yields findings."""
