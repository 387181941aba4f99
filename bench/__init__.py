"""Benchmarks of the appliance, run from the repository root: `.venv/bin/python -m bench.<name>`."""
