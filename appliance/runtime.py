"""The process environment native libraries read when they load, set once at start-up before they do."""

import os


def configure_process() -> None:
    """Set what OpenBLAS, libgomp, Hugging Face and Chroma read at load time; call before loading them."""
    # A search's matrix-vector products are ~0.3 ms of CPU on one thread and ~6 ms with OpenBLAS's helper
    # threads spinning on cores llama.cpp and onnxruntime already use. numpy reads this when it loads
    # (sqlite-utils imports it), so the CLI sets it before importing the commands.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # llama.cpp's CPU backend waits at every OpenMP barrier (many per token) by spinning, 300,000 rounds by
    # default. On a small machine that is never idle (searches, ingestion, other services) the spinning thread
    # takes the core from the one it waits for: measured on 2 loaded cores, prompt evaluation 2.5-5x slower and
    # generation 2-12x slower than with a short spin. libgomp reads this when llama_cpp loads it; an
    # administrator's own value wins.
    os.environ.setdefault("GOMP_SPINCOUNT", "1000")
    # Weights come from the models directory or a package on disk; never ask a hub.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    # Chroma reads this before its settings; the appliance must never phone home.
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
