"""`ragbot models list|add|use|verify`: bring in a GGUF with its manifest, choose the default, re-check checksums."""

import os
import re
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from multiprocessing import get_context
from pathlib import Path

from appliance.errors import InvalidInput, NotFound, RagbotError
from appliance.inference import manifests as models
from appliance.settings import Settings, load_settings
from appliance.store import files

GGUF_MAGIC = b"GGUF"
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
LLM_LINE = re.compile(r"^llm_model\s*=.*$", re.M)
# What a GGUF llama.cpp cannot load is, and what to do: `models add` of a download cut short named only the hidden
# copy it loaded (".x.gguf.partial").
UNLOADABLE = "the file is cut short or damaged (copy or download it again) or a model this llama.cpp does not know"


def rows(settings: Settings) -> list[dict]:
    """Every known model with where its file is, whether it is there, and which role uses it."""
    found = []
    for manifest in sorted(models.list_manifests(settings).values(), key=lambda m: (m.kind, m.name)):
        try:
            path = models.model_path(settings, manifest)
        except (RagbotError, ImportError):  # a package that is not installed
            path = None
        found.append(
            {
                "name": manifest.name,
                "kind": manifest.kind,
                "path": path,
                "present": bool(path and path.exists()),
                "size": path.stat().st_size if path and path.is_file() else None,
                "default": manifest.name in (settings.llm_model, settings.embed_model),
            }
        )
    return found


def _describe(path: Path, source: Path) -> dict:
    """llm.describe_gguf of `path` (`source`'s copy) in a child process: a file that crashes llama.cpp must not take
    the command with it."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        try:
            return pool.submit(_describe_here, str(path), str(source)).result()
        except BrokenProcessPool:
            raise InvalidInput(f"{source}: llama.cpp crashed loading it; {UNLOADABLE}") from None


def _describe_here(path: str, source: str) -> dict:
    from appliance.inference.llm import describe_gguf

    try:
        return describe_gguf(Path(path))
    except Exception:  # llama.cpp says only "Failed to load model from file: <the hidden copy's path>"
        raise InvalidInput(f"{source}: llama.cpp cannot load it; {UNLOADABLE}") from None


def _manifest_text(name: str, file: str, sha256: str, info: dict, prompt_style: str, source: Path) -> str:
    return (
        f"# {info['title'] or name} ({info['architecture'] or 'unknown architecture'}), added by `ragbot models add` "
        f"from {source.name} on {date.today().isoformat()}.\n"
        f'name = "{name}"\nkind = "llm"\nfile = "{file}"\nsha256 = "{sha256}"\n'
        f"context_length = {info['context_length']}\n"
        f'# "chat" uses the chat template stored in the GGUF; "completion" suits base models.\n'
        f'prompt_style = "{prompt_style}"\n'
        f'licence = "{_toml_text(info["licence"])}"\n'
    )


def _toml_text(text: str) -> str:
    return re.sub(r'["\\\x00-\x1f]', "", text)[:200]


def add(settings: Settings, source: Path, name: str | None = None, prompt_style: str | None = None) -> models.Manifest:
    """Copy a GGUF into the models folder, check llama.cpp loads it, and write its manifest with its sha256."""
    files.need_file(source, "GGUF file")
    with source.open("rb") as handle:
        if handle.read(4) != GGUF_MAGIC:
            raise InvalidInput(f"{source} is not a GGUF model file (it does not start with 'GGUF')")
    name = name or re.sub(r"[^a-z0-9._-]+", "-", source.stem.lower()).strip("-.")
    if not NAME.fullmatch(name):
        raise InvalidInput(f"model name {name!r}: use lower-case letters, digits, '.', '_' and '-' (at most 64)")
    if name in models.list_manifests(settings):
        raise InvalidInput(f"a model named '{name}' exists already; choose another with --name")
    folder = settings.models_path
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    # A file already in the models folder is adopted where it is: no second copy of gigabytes.
    adopt = source.resolve() == target.resolve()
    if target.exists() and not adopt:
        raise InvalidInput(f"{target} exists already; rename the file or remove the old one")
    partial = folder / f".{source.name}.partial"
    manifest = folder / f"{name}.toml"
    try:
        sha256 = models.sha256_file(source) if adopt else files.copy_hashing(source, partial)
        info = _describe(source if adopt else partial, source)
        style = prompt_style or ("chat" if info["chat_template"] else "completion")
        written = folder / f".{name}.toml.partial"
        written.write_text(_manifest_text(name, target.name, sha256, info, style, source))
        if not adopt:
            os.replace(partial, target)
        os.replace(written, manifest)
    finally:
        partial.unlink(missing_ok=True)
        (folder / f".{name}.toml.partial").unlink(missing_ok=True)
    files.match_owner([target, manifest], folder)
    return models.read_manifest(manifest)


def use(settings: Settings, config: Path, name: str) -> Path:
    """Make `name` the default LLM by setting llm_model in the config file; the service reads it on restart."""
    manifest = models.find_manifest(settings, name)
    if manifest.kind != "llm":
        raise InvalidInput(
            f"'{name}' is an embedding model; changing embed_model means re-ingesting every "
            "document, so it is not done here: edit embed_model in the config and re-ingest"
        )
    models.verify(settings, manifest)
    text = config.read_text(encoding="utf-8") if config.exists() else ""
    line = f'llm_model = "{name}"'
    text = LLM_LINE.sub(line, text, count=1) if LLM_LINE.search(text) else text.rstrip("\n") + f"\n{line}\n"
    partial = config.with_name(f".{config.name}.partial")
    partial.write_text(text, encoding="utf-8")
    try:
        load_settings(partial, environ={})  # never leave a config the service cannot start with
    except RagbotError:
        partial.unlink()
        raise
    files.replace_keeping_owner(partial, config, 0o644)
    return config


def verify(settings: Settings) -> list[tuple[str, str | None]]:
    """(name, problem or None) for every model whose file is present or in use."""
    results: list[tuple[str, str | None]] = []
    for manifest in models.list_manifests(settings).values():
        in_use = manifest.name in (settings.llm_model, settings.embed_model)
        try:
            present = models.model_path(settings, manifest).exists()
        except (RagbotError, ImportError):
            present = False
        if not (present or in_use):
            continue
        try:
            models.verify(settings, manifest)
            results.append((manifest.name, None))
        except (RagbotError, ImportError) as error:
            results.append((manifest.name, error.message if isinstance(error, RagbotError) else str(error)))
    if not results:
        raise NotFound(f"no model files in {settings.models_path}")
    return results
