"""Readers of teaching material as it really comes: one module per format, each the only user of its library."""
