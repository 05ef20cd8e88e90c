"""Benchmarks: `make bench` (python -m bench) prints figures measured side by side in one run."""
