"""ragbot: offline question answering over course material."""

import os

# A search's matrix-vector products are ~0.3 ms of CPU on one thread and ~6 ms with OpenBLAS's helper threads
# spinning on cores llama.cpp and onnxruntime already use. Set here, before anything (sqlite-utils) loads numpy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
