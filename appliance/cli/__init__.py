"""The `ragbot` command line."""
