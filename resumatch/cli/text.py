"""``text``: print exactly the text that is scored for a file, and how it was read."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "text", help="print the text the product reads (and scores) from a file",
        description="Read files as rank and compare do and print to stdout exactly the text "
                    "that is embedded and scored. Notes go to stderr: the parts read, "
                    "'read by OCR' with its confidence, 'hidden text: N words not scored', "
                    "and every file that could not be read with its reason. A file holding "
                    "several documents (CSV rows, ZIP members) prints each after a "
                    "'==> source (name) <==' line.")
    parser.add_argument("paths", nargs="+", metavar="FILE", help="files or folders")
    parser.add_argument("--strict", action="store_true",
                        help="exit 2 if any file could not be read")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from resumatch.config import Settings
    from resumatch.ingest.documents import read_files

    settings = Settings.from_env()

    def progress(note: str) -> None:
        print(note, file=sys.stderr)

    docs, errors = read_files(args.paths, settings.max_upload_bytes, settings.max_files,
                              progress=progress)
    for error in errors:
        print(str(error), file=sys.stderr)
    for number, doc in enumerate(docs):
        if doc.parts:
            print(f"{doc.source}: parts read: {', '.join(doc.parts)}", file=sys.stderr)
        for note in doc.notes:
            print(f"{doc.source}: {note}", file=sys.stderr)
        if len(docs) > 1:
            print(f"{'' if number == 0 else chr(10)}==> {doc.source} ({doc.name}) <==")
        print(doc.text)
    if not docs:
        print("error: no readable document", file=sys.stderr)
        return 2
    return 2 if args.strict and errors else 0
