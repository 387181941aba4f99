"""File helpers for admin commands: copy while hashing, replace atomically, keep the data's owner when run as root."""

import hashlib
import os
import shutil
from pathlib import Path

from appliance.errors import InvalidInput

BLOCK = 1 << 20


def need_file(path: Path, kind: str) -> None:
    """Refuse what is no regular file, saying what it is: `ragbot restore /dev/null` said "/dev/null: no such file",
    and a folder was "no such file" to an admin who could see it."""
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder: give the {kind} in it")
    if os.path.exists(path) and not path.is_file():
        raise InvalidInput(f"{path} is no file but a device, pipe or socket: give the {kind}")
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")


def copy_hashing(source, target: Path) -> str:
    """Copy an open binary file (or a path) to `target`; returns the sha256 of what was copied."""
    digest = hashlib.sha256()
    with source.open("rb") if isinstance(source, Path) else source as src, target.open("wb") as out:
        while block := src.read(BLOCK):
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def replace_keeping_owner(partial: Path, target: Path, mode: int) -> None:
    """Move `partial` over `target` atomically, with target's mode and owner (or `mode` for a new file)."""
    if target.exists():
        shutil.copymode(target, partial)
        if os.geteuid() == 0:
            os.chown(partial, target.stat().st_uid, target.stat().st_gid)
    else:
        os.chmod(partial, mode)
    os.replace(partial, target)


def match_owner(paths: list[Path], like: Path) -> None:
    """Run as root, give new files the owner of `like` (the data folder), so the service can still write them."""
    if os.geteuid() != 0:
        return
    owner = like.stat()
    for top in paths:
        for path in [top, *(top.rglob("*") if top.is_dir() else [])]:
            os.chown(path, owner.st_uid, owner.st_gid, follow_symlinks=False)


def within(path: Path | str, folder: Path) -> bool:
    """Whether `path` is `folder` or inside it, both taken from the current folder as given (no links followed)."""
    return Path(os.path.abspath(path)).is_relative_to(os.path.abspath(folder))
