"""What each `ragbot` subcommand does; cli.py parses the arguments."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tqdm import tqdm

from appliance import models, services
from appliance.errors import InvalidInput, RagbotError
from appliance.settings import Settings

SMOKE_PROMPT = "The three primary colours are"


def smoke_test_subprocess(config: str | None) -> bool:
    """Generate once in a child process: a bad llama.cpp build dies there (SIGILL/GPF), not in the caller."""
    command = [sys.executable, "-m", "appliance"] + (["--config", config] if config else []) + ["smoke-test"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        print(result.stdout + result.stderr, file=sys.stderr)
        return False
    print(result.stdout.strip())
    return True


def print_json(value) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def serve(settings: Settings, args) -> int:
    import uvicorn

    from appliance.app import create_app

    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level,
                timeout_graceful_shutdown=10)
    return 0


def _files(paths: list[Path]) -> list[tuple[Path, str]]:
    """Every file under the given paths, with its source name (folder name + relative path for folders)."""
    found = []
    for path in paths:
        if path.is_dir():
            found += [(f, f"{path.resolve().name}/{f.relative_to(path)}") for f in sorted(path.rglob("*"))
                      if f.is_file() and not any(part.startswith(".") for part in f.relative_to(path).parts)]
        elif path.is_file():
            found.append((path, path.name))
        else:
            raise InvalidInput(f"{path}: no such file or folder")
    return found


def ingest(settings: Settings, args) -> int:
    files = _files(args.paths)
    app = services.build(settings, with_llm=False)
    failed = 0
    with tqdm(files, unit="file", desc="ingesting", file=sys.stderr) as bar:
        for path, source in bar:
            bar.set_postfix_str(source[-40:])
            try:
                outcome = services.ingest_path(app, path, source)
                bar.write(f"{outcome.outcome:9} {source} ({outcome.document['chunks']} chunks)")
            except RagbotError as error:
                failed += 1
                bar.write(f"{'failed':9} {source}: {error.message}")
    app.close()
    print(f"{len(files) - failed} of {len(files)} files ingested", file=sys.stderr)
    return 1 if failed else 0


def search(settings: Settings, args) -> int:
    app = services.build(settings, with_llm=False)
    passages = app.retriever.search(args.query, args.k or settings.search_k, args.mode)
    if args.json:
        print_json({"results": [p.to_dict() for p in passages]})
    for n, p in enumerate(passages if not args.json else [], 1):
        where = f"page {p.page_label or p.page}" if p.page else p.heading
        print(f"[{n}] {p.filename} — {where} (score {p.score:.4f})\n    {p.snippet}\n")
    app.close()
    return 0


def ask(settings: Settings, args) -> int:
    app = services.build(settings)
    if args.json:
        print_json(app.answerer.answer(args.question))
        return 0
    import threading

    ticket = app.answerer.reserve()
    for event, data in app.answerer.events(args.question, None, ticket, threading.Event()):
        if event == "token":
            print(data, end="", flush=True)
        elif event == "done":
            print()
            for source in data["sources"]:
                where = f", page {source['page_label'] or source['page']}" if source["page"] else ""
                print(f"[{source['n']}] {source['filename']}{where} — {source['heading']}")
    app.close()
    return 0


def documents(settings: Settings, args) -> int:
    app = services.build(settings, with_llm=False)
    if args.action == "list":
        for doc in app.database.documents():
            print(f"{doc['id']}  {doc['pages']:4} pages {doc['chunks']:5} chunks  {doc['filename']}")
    else:
        for document_id in args.ids:
            app.ingestor.delete(document_id)
            print(f"removed {document_id}")
    app.close()
    return 0


def setup(settings: Settings, args) -> int:
    for name in (settings.llm_model, settings.embed_model):
        manifest = models.find_manifest(settings, name)
        path = models.assemble(settings, manifest)
        print(f"model {name}: {path} verified")
    return 0 if smoke_test_subprocess(args.config) else 1


def smoke_test(settings: Settings, args) -> int:
    model = services.load_llm(settings)
    text = "".join(model.stream(SMOKE_PROMPT, max_tokens=8, temperature=0.0))
    if not text.strip():
        print("the model generated nothing", file=sys.stderr)
        return 1
    print(f"generation works: {SMOKE_PROMPT!r} → {text.strip()!r} ({os.cpu_count()} cores)")
    return 0
