"""Normalize: the raw intermediate -> the canonical model (roles, durations, steps, warnings).

Pure functions over the raw objects and DataFrames; no I/O except reading the
shipped role registry.
"""

from sopbaku.normalize.assemble import build

__all__ = ["build"]
