"""Sentence embeddings, the only module that imports sentence-transformers, torch and onnxruntime.

Two backends give the same vectors (cosine ≥ 0.999 checked at export):
- "onnx": the model exported once (offline, from its local folder) to an ONNX file that is cached and
  then run with onnxruntime and the fast tokenizer: no torch import at start, and a short query costs a
  few milliseconds on one thread instead of tens.
- "torch": sentence-transformers as packaged; the fallback whenever the export or onnxruntime fails.
"onnx-int8" is the ONNX graph with MatMul weights quantised per channel (smaller, faster, ~0.99 cosine).

Queries run on their own single-threaded session so a search neither waits for nor oversubscribes the
cores that an ingestion batch or the language model are using; with query_int8 that session runs a graph of
its own: the same model exported with its attention written out, which onnxruntime's BERT optimizer fuses into
one Attention operator per layer (and the embeddings, residual LayerNorms and Gelu into theirs), then int8. A
query run costs about half of fp32's CPU and 4-13 % less than the plain int8 graph's, with the same vectors as
that graph to ~0.99 cosine (nDCG within noise of fp32 queries against the same fp32 documents on three judged
collections). Passages keep the fp32 graph, so no index changes with it.
"""

import hashlib
import json
import logging
import os
import shutil
import threading
import warnings
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from appliance.store.vector_index import cosine, token_batch

log = logging.getLogger(__name__)
BACKENDS = ("onnx", "onnx-int8", "torch")
EXPORT_VERSION = "1"  # bump when the exported graph changes, so cached files are remade
# The query graph's own version, in its file name: bumping it remakes that file only (not the passage graph,
# whose vectors every index holds).
QUERY_VERSION = "1"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
PROBE = ["A short query.", "Nodes communicate over topics, services and actions. " * 12]
# Tokens in one onnxruntime run: its activations (attention is batch x 12 heads x tokens²) stay in its
# memory arena after the run, ~+800 MB for 32 x 256 tokens against ~+180 MB for 8 x 256, at the same speed.
BATCH_TOKENS = 2048


class Embedder:
    """A local sentence-embedding model producing unit-length vectors."""

    def __init__(
        self,
        path: Path,
        *,
        name: str,
        threads: int = 0,
        backend: str = "onnx",
        cache_dir: Path | None = None,
        query_threads: int = 1,
        query_int8: bool = False,
        query_fused: bool = True,
    ):
        self.name = name
        self.path = Path(path)
        self.threads = threads
        self.query_threads = query_threads
        self.backend = "torch"
        impl: _OnnxModel | _TorchModel | None = None
        if backend != "torch":
            try:
                graph = ("fused" if query_fused else "int8") if query_int8 else "fp32"
                impl = _OnnxModel(self.path, name, backend, cache_dir, threads, query_threads, graph)
                self.backend = backend
            except Exception as error:  # any failure of the fast path leaves the packaged one
                log.warning(
                    "ONNX embeddings unavailable (%s: %s); using sentence-transformers", type(error).__name__, error
                )
        self._impl = impl or _TorchModel(self.path, threads)
        self.dimensions = self._impl.dimensions
        self.max_tokens = self._impl.max_tokens
        self.embed_query = lru_cache(maxsize=1024)(self._embed_query)

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for `text`, without special tokens."""
        return self._impl.count_tokens(text)

    def embed(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        """Vectors for passages, batched."""
        return self._impl.embed(texts, batch_size)

    def _embed_query(self, text: str) -> tuple[float, ...]:
        """One query's vector; cached because students ask the same questions."""
        return tuple(self._impl.embed_query(text))


class _TorchModel:
    def __init__(self, path: Path, threads: int):
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self._torch = torch
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self._tokenizer = self._model.tokenizer
        self.dimensions = self._model.get_embedding_dimension()
        self.max_tokens = self._model.max_seq_length

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def embed(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        with self._torch.inference_mode():
            vectors = self._model.encode(
                texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0]


def _mean_pooled(path: Path) -> bool:
    """True for Transformer → mean Pooling (→ Normalize) models, the shape the exported graph computes."""
    modules = json.loads((path / "modules.json").read_text())
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return False
    pooling = json.loads((path / modules[1]["path"] / "config.json").read_text())
    others = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v and k != "pooling_mode_mean_tokens"]
    return bool(pooling.get("pooling_mode_mean_tokens")) and not others


def _fingerprint(path: Path) -> str:
    digest = hashlib.sha256(EXPORT_VERSION.encode())
    for name in ("config.json", "modules.json", "tokenizer.json"):
        digest.update((path / name).read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        stat = weights.stat()
        digest.update(f"{weights.name}:{stat.st_size}".encode())
    return digest.hexdigest()[:12]


_export_lock = threading.Lock()


def onnx_file(path: Path, name: str, backend: str, cache_dir: Path | None) -> Path:
    """The cached ONNX file for this model and backend, exported (once) when missing."""
    if not (path / "tokenizer.json").is_file() or not _mean_pooled(path):
        raise ValueError("only mean-pooled models with a fast tokenizer are exported")
    tag = _fingerprint(path)
    base = f"{name}-{tag}"
    folders = [p for p in (cache_dir, path / "onnx") if p is not None]
    wanted = {
        "onnx": f"{base}.onnx",
        "onnx-int8": f"{base}-int8.onnx",
        "query-int8": f"{base}-query{QUERY_VERSION}-int8.onnx",
    }[backend]
    with _export_lock:
        for folder in folders:
            if (folder / wanted).is_file():
                return folder / wanted
        for n, folder in enumerate(folders):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                fp32 = folder / f"{base}.onnx"
                if not fp32.is_file():
                    _export(path, fp32)
                if backend == "onnx-int8":
                    _quantize(fp32, folder / wanted)
                elif backend == "query-int8":
                    _export_query(path, fp32, folder / wanted)
            except OSError as error:
                log.warning("cannot write the ONNX embedder to %s: %s", folder, error)
                continue
            # A copy beside the model too (when writable) spares other data dirs on this machine the export.
            for other in folders[n + 1 :]:
                try:
                    other.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(folder / wanted, other / f"{wanted}.partial")
                    (other / f"{wanted}.partial").replace(other / wanted)
                except OSError:
                    pass
            return folder / wanted
    raise OSError("no writable folder for the ONNX export")


def _export(path: Path, target: Path, attention: str | None = None) -> None:
    """Trace the transformer with mean pooling and normalisation into one ONNX graph; verify it. `attention`:
    the transformers attention implementation to trace (None: the model's default)."""
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    if attention:
        transformer: Any = model[0].auto_model  # a transformers PreTrainedModel
        transformer.set_attn_implementation(attention)

    class Pooled(torch.nn.Module):
        def __init__(self, transformer):
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    wrapped = Pooled(model[0].auto_model).eval()
    sample = model.tokenizer(PROBE, padding=True, return_tensors="pt")
    if "token_type_ids" not in sample:
        raise ValueError("the tokenizer gives no token_type_ids")
    partial = target.with_suffix(".partial")
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS} | {"embedding": {0: "batch"}}
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapped,
            tuple(sample[name] for name in INPUTS),
            str(partial),
            input_names=list(INPUTS),
            output_names=["embedding"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
        expected = model.encode(PROBE, normalize_embeddings=True)
    session = _session(partial, 1)
    got = session.run(None, {name: sample[name].numpy() for name in INPUTS})[0]  # int64, as torch gives
    if float((got * expected).sum(1).min()) < 0.999:
        partial.unlink()
        raise ValueError("the exported graph does not reproduce the model")
    partial.replace(target)
    log.info("exported the embedder to %s", target)


def _quantize(fp32: Path, int8: Path, kinds: tuple[str, ...] = ("MatMul",)) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    partial = int8.with_suffix(".partial")
    quantize_dynamic(
        str(fp32),
        str(partial),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=list(kinds),
        # The fused operators (com.microsoft) have no shape inference: their outputs are float.
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    partial.replace(int8)


def operators(file: Path) -> dict[str, int]:
    """How many nodes of each operator type an ONNX file's graph has."""
    import onnx

    return dict(Counter(node.op_type for node in onnx.load(str(file), load_external_data=False).graph.node))


def _export_query(path: Path, fp32: Path, target: Path) -> None:
    """The query graph: the model traced with eager attention, the pattern onnxruntime's BERT optimizer fuses
    (the default SDPA export is not: a quarter of a run went to the small operators around its products), fused,
    int8-quantised (the fused Attention's weights too), and checked against the fp32 graph."""
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((path / "config.json").read_text())
    eager, fused = target.with_suffix(".eager.onnx"), target.with_suffix(".fused.onnx")
    try:
        _export(path, eager, attention="eager")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = optimize_model(
                str(eager), "bert", config["num_attention_heads"], config["hidden_size"], opt_level=0
            )
        model.save_model_to_file(str(fused))
        _quantize(fused, target, ("MatMul", "Attention"))
    finally:
        eager.unlink(missing_ok=True)
        fused.unlink(missing_ok=True)
    if operators(target).get("QAttention", 0) != config["num_hidden_layers"] or _agreement(path, target, fp32) < 0.98:
        target.unlink()
        raise ValueError("the fused query graph does not reproduce the model")
    log.info("exported the query embedder to %s", target)


def _agreement(path: Path, file: Path, fp32: Path) -> float:
    """The lowest cosine between two graphs' vectors for the probe texts, each run alone as a query is."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    tokenizer.no_padding()
    sessions = _session(file, 1), _session(fp32, 1)
    lowest = 1.0
    for text in PROBE:
        inputs = token_batch([tokenizer.encode(text).ids], tokenizer.token_to_id("[PAD]") or 0)
        got, want = (session.run(None, inputs)[0][0] for session in sessions)
        lowest = min(lowest, cosine(got, want))
    return lowest


def _session(path: Path, threads: int):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or os.cpu_count() or 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _query_file(path: Path, name: str, cache_dir: Path | None) -> Path:
    """The fused int8 query graph; the plain int8 graph when it cannot be made (another transformers' trace)."""
    try:
        return onnx_file(path, name, "query-int8", cache_dir)
    except Exception as error:  # the passage graph is fine: only the faster query graph is lost
        log.warning("fused query graph unavailable (%s: %s); using the plain int8 graph", type(error).__name__, error)
        return onnx_file(path, name, "onnx-int8", cache_dir)


class _OnnxModel:
    def __init__(
        self,
        path: Path,
        name: str,
        backend: str,
        cache_dir: Path | None,
        threads: int,
        query_threads: int,
        query_graph: str,
    ):
        from tokenizers import Tokenizer

        config = json.loads((path / "sentence_bert_config.json").read_text())
        self.max_tokens = int(config.get("max_seq_length", 256))
        self.dimensions = int(json.loads((path / "config.json").read_text())["hidden_size"])
        file = onnx_file(path, name, backend, cache_dir)
        self._counter = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._batcher = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._batcher.enable_truncation(self.max_tokens)
        self._batcher.no_padding()  # each batch is padded to its own longest text in _inputs
        self._pad = self._batcher.token_to_id("[PAD]") or 0
        self._passages = _session(file, threads)
        # Sessions are thread-safe; the query one is single-threaded so searches stay quick under load.
        # Its int8 graph is the same model with rounded weights, so its vectors search the fp32 documents.
        if query_graph == "fused":
            query_file = _query_file(path, name, cache_dir)
        else:
            query_file = onnx_file(path, name, "onnx-int8", cache_dir) if query_graph == "int8" else file
        separate = query_file != file or query_threads != threads
        self._queries = _session(query_file, query_threads) if separate else self._passages
        # No more runs in flight than the cores can work on: onnxruntime keeps the activations of every run in
        # flight for good, so 32 request threads embedding at once held 1.4 GB where one at a time holds 0.6 GB.
        # Passage runs use every core, so one at a time; single-threaded query runs, one per core.
        cores = os.cpu_count() or 1
        self._passages_gate = threading.BoundedSemaphore(1)
        queries = threading.BoundedSemaphore(max(1, cores // (query_threads or cores)))
        self._queries_gate = queries if separate else self._passages_gate

    def count_tokens(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    def _inputs(self, encodings: list) -> dict:
        return token_batch([encoding.ids for encoding in encodings], self._pad)

    def embed(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        encoded = self._batcher.encode_batch(texts)
        # Similar lengths together, as sentence-transformers does, so batches pad little; and no batch
        # over BATCH_TOKENS, because onnxruntime keeps the memory of its largest batch for good.
        order = sorted(range(len(texts)), key=lambda i: -len(encoded[i].ids))
        out: list = [None] * len(texts)
        start = 0
        while start < len(order):
            longest = len(encoded[order[start]].ids)
            picked = order[start : start + max(1, min(batch_size, BATCH_TOKENS // max(longest, 1)))]
            with self._passages_gate:
                vectors = self._passages.run(None, self._inputs([encoded[i] for i in picked]))[0]
            for i, vector in zip(picked, vectors, strict=True):
                out[i] = vector.tolist()
            start += len(picked)
        return out

    def embed_query(self, text: str) -> list[float]:
        # encode_batch lets go of the GIL while it tokenizes (encode holds it), and gives the same ids: the
        # web app's other threads run meanwhile (TOKENIZERS_PARALLELISM is off, so it stays in this thread).
        inputs = self._inputs(self._batcher.encode_batch([text]))
        with self._queries_gate:
            return self._queries.run(None, inputs)[0][0].tolist()
