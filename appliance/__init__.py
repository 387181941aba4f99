"""ragbot: offline question answering over course material."""

__version__ = "0.1.0"
