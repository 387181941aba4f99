"""The `ragbot` command: serve, ingest, search, ask, documents, setup."""

import argparse
import sys
from pathlib import Path

from appliance.errors import RagbotError
from appliance.settings import load_settings


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="ragbot", description="Offline question answering over course material.")
    top.add_argument("--config", metavar="FILE", help="TOML settings file (default: config/ragbot.toml)")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the web app and API")
    serve.add_argument("--host", help="listen address (overrides the setting)")
    serve.add_argument("--port", type=int, help="listen port (overrides the setting)")

    ingest = commands.add_parser("ingest", help="add files or folders to the course material")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")

    search = commands.add_parser("search", help="find passages")
    search.add_argument("query")
    search.add_argument("--k", type=_positive, default=None, help="how many passages")
    search.add_argument("--mode", choices=["hybrid", "dense", "keyword"], default="hybrid")
    search.add_argument("--json", action="store_true", help="print JSON")

    ask = commands.add_parser("ask", help="answer a question, streaming to the terminal")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the whole answer as JSON")

    docs = commands.add_parser("documents", help="list or remove documents")
    docs_commands = docs.add_subparsers(dest="action", required=True)
    docs_commands.add_parser("list", help="list documents")
    remove = docs_commands.add_parser("rm", help="remove documents")
    remove.add_argument("ids", nargs="+", metavar="ID")

    commands.add_parser("setup", help="assemble and verify the models, then test one generation")
    commands.add_parser("smoke-test", help="generate a few tokens (setup runs this in a child process)")
    return top


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        overrides = {"host": getattr(args, "host", None), "port": getattr(args, "port", None)}
        settings = load_settings(args.config, **overrides)
        from appliance import commands

        status = getattr(commands, args.command.replace("-", "_"))(settings, args)
    except RagbotError as error:
        print(f"ragbot: error: {error.message}", file=sys.stderr)
        status = 1
    except KeyboardInterrupt:
        status = 130
    sys.exit(status or 0)
