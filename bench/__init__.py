"""Benchmarks: scripts that print figures and ratios against a baseline from the same run."""
