"""Hybrid retrieval: the passages that best answer a query."""
