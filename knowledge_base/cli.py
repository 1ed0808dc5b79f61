"""The command line: `python build.py COMMAND`. Every command has --help.

Exit codes: 0 success, 1 the content has problems (or the build failed),
2 wrong usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
REPO_ROOT = Path(__file__).resolve().parent.parent  # as pipeline.REPO_ROOT, without importing the pipeline


def check(*args, **kwargs):
    """The pipeline's check, imported on first use: it loads the models (pydantic), which a search
    on a fresh index never needs."""
    from .pipeline import check as run_check

    return run_check(*args, **kwargs)


def _root(args) -> Path:
    return Path(args.root).resolve() if args.root else REPO_ROOT


def report(problems, style: str = "text") -> None:
    for problem in problems:
        print(problem.format(style))
    if problems and style == "text":
        files = len({p.path for p in problems})
        print(f"{len(problems)} problem(s) in {files} file(s)", file=sys.stderr)


def notify(notices, style: str = "text", warnings=()) -> None:
    """What was not checked, and what may be wrong (warnings do not change the exit code)."""
    for warning in warnings:
        print(warning.format(style))
    if warnings and style == "text":
        print(f"{len(warnings)} warning(s)", file=sys.stderr)
    for notice in notices:
        if style == "github":
            print(f"::notice::{notice}")
        else:
            print(f"notice: {notice}", file=sys.stderr)


def cmd_validate(args) -> int:
    result = check(_root(args), sources=args.sources, require_sources=args.require_sources or None, pages=True)
    report(result.problems, args.format)
    notify(result.notices, args.format, result.warnings)
    if result.ok and args.format == "text":
        print(f"ok: {len(result.files)} records valid", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def cmd_schema(args) -> int:
    from .schema import write_schemas

    for path in write_schemas(Path(args.out) if args.out else REPO_ROOT / "schema", _root(args)):
        print(path)
    return EXIT_OK


def _use_sources(args) -> None:
    """`--sources` and `--require-sources` of build and serve reach every check of the process (the hook's)."""
    from .source_texts import add_sources

    add_sources(args.sources)
    if args.require_sources:
        os.environ["KB_REQUIRE_SOURCES"] = "1"


def cmd_build(args) -> int:
    from .site import build_site

    _use_sources(args)
    return build_site(_root(args), report=report, notify=notify, strict=True)


def cmd_serve(args) -> int:
    from .site import serve_site

    _use_sources(args)
    return serve_site(_root(args), args.dev_addr, report=report, notify=notify)


def _checked_index(args):
    """The index of a valid knowledge base, brought up to date if the records changed; None if invalid."""
    from .index import ensure_index, fresh_index

    # The stamps of the record files say whether the index still answers for them: when they hold,
    # the records were valid when it was made (an index is made of valid records only) and are
    # not loaded again.
    folder = fresh_index(_root(args))
    if folder is not None:
        return folder, None
    result = check(_root(args))
    if not result.ok:
        report(result.problems)
        return None, None
    return ensure_index(result.kb, result.files, _root(args))


def cmd_index(args) -> int:
    folder, done = _checked_index(args)
    if folder is None:
        return EXIT_PROBLEMS
    print(f"index {done or 'up to date'}: {folder}", file=sys.stderr)
    return EXIT_OK


def cmd_search(args) -> int:
    import json

    from .search import QueryError, search

    if args.limit < 1:
        print("error: --limit must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    folder, _ = _checked_index(args)
    if folder is None:
        return EXIT_PROBLEMS
    try:
        result = search(folder, args.query, kind=args.kind, country=args.country, practice=args.practice,
                        limit=args.limit, html_snippets=args.json)
    except QueryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{result.total} result(s) for {result.query!r}")
    if result.suggestion:
        print(f"did you mean: {result.suggestion}")
    for rank, hit in enumerate(result.hits, start=1):
        where = (f" [{', '.join(hit.country)}]" if hit.country else "") + (f" · {hit.source}" if hit.source else "")
        print(f"\n{rank}. {hit.kind}: {hit.title}{where}")
        print(f"   {hit.snippet}")
        print(f"   {hit.url}")
    return EXIT_OK


def cmd_export(args) -> int:
    from .export import export_all

    result = check(_root(args))
    if not result.ok:
        report(result.problems)
        return EXIT_PROBLEMS
    out = Path(args.out) if args.out else _root(args) / "site" / "downloads"
    try:
        written = export_all(result.kb, out)
    except OSError as error:
        print(f"error: cannot write the exports to {out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_PROBLEMS
    for path in written:
        print(path)
    return EXIT_OK


def cmd_new(args) -> int:
    from .scaffold import ScaffoldError, scaffold, text_advice

    text = Path(args.text) if args.text else None
    try:
        path = scaffold(_root(args), args.kind, args.id, country=args.country, text_file=text)
    except ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(path)
    if text and (advice := text_advice(text)):
        print(f"next: {advice}", file=sys.stderr)
    print("next: replace every TODO, then run `python build.py validate` (it lists those left)", file=sys.stderr)
    return EXIT_OK


def cmd_protect(args) -> int:
    import re

    from .protect import protect

    path = _root(args) / "sources" / f"{args.source}.yaml"
    if not path.is_file():
        print(f"error: no source {args.source!r} (sources/{args.source}.yaml)", file=sys.stderr)
        return EXIT_USAGE
    phrases = [line.strip() for line in sys.stdin] if args.phrase == "-" else [args.phrase]
    try:
        entries = [protect(phrase) for phrase in phrases if phrase]
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    lines = "".join(f"  - {{salt: {e['salt']}, sha256: {e['sha256']}, length: {e['length']}}}\n" for e in entries)
    text = path.read_text(encoding="utf-8")
    match = re.search(r"(?m)^do_not_publish:[ \t]*(\[\])?[ \t]*\n", text)
    if match:
        text = text[:match.start()] + "do_not_publish:\n" + lines + text[match.end():]
    elif re.search(r"(?m)^do_not_publish:", text):
        print(f"error: sources/{args.source}.yaml lists do_not_publish in another form: write it as a list, one "
              "entry per line", file=sys.stderr)
        return EXIT_USAGE
    else:  # before the notes, which editors extend at the end of the file
        notes = re.search(r"(?m)^notes:", text)
        text = (text[:notes.start()] + "do_not_publish:\n" + lines + text[notes.start():] if notes
                else text.rstrip("\n") + "\ndo_not_publish:\n" + lines)
    path.write_text(text, encoding="utf-8")
    print(f"sources/{args.source}.yaml: {len(entries)} detail(s) protected (their hashes only are written)",
          file=sys.stderr)
    return EXIT_OK


def cmd_from_issue(args) -> int:
    from .issue_forms import IssueError, apply_issue

    root = _root(args)
    try:
        body = Path(args.file).read_text(encoding="utf-8")
        path = apply_issue(body, root)
    except OSError as error:
        print(f"error: cannot read {args.file}: {error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE
    except IssueError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(path.relative_to(root).as_posix())
    result = check(root)
    report(result.problems, args.format)
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def add_sources_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sources", action="append", metavar="DIR",
                   help="a folder holding source texts, searched before the default ones (repeatable; also "
                   "KB_SOURCES_DIR; the default: every folder in ../shared/ beside the repository)")
    p.add_argument("--require-sources", action="store_true",
                   help="a source whose text is not at hand (or that names none) is an error, not a notice "
                   "(also KB_REQUIRE_SOURCES=1)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python build.py",
        description="Validate, build, serve and search the knowledge base of promising practices.",
    )
    parser.add_argument("--root", help="content root holding practices/, countries/, ... (default: this repository)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("validate", help="check every record and report all problems as path:line:col: message",
                       description="Load every record keeping line numbers, validate it, check cross-references, "
                       "ids, sources and citations, and the content rules (quotes and notes verbatim in their source's "
                       "text, no returnee identifiable, no placeholder, complete sections), and report all problems "
                       "in one run. Exit 0 when clean, 1 on problems.")
    p.add_argument("--format", choices=["text", "github"], default="text",
                   help="text: path:line:col: message (default); github: GitHub Actions ::error annotations")
    add_sources_arguments(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("build", help="validate, generate the pages and build the site into site/ (atomically)",
                       description="Validate and link the records, generate the Markdown pages, run `mkdocs build "
                       "--strict`, check the built pages (links, anchors, ids, nothing leaking as text), and swap the "
                       "result into site/. A failed build leaves the previous site/ untouched.")
    add_sources_arguments(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", help="serve the site at http://127.0.0.1:8000 with live reload",
                       description="Serve the site with live reload when a YAML record or a page in site_src/ changes.")
    p.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve at (default: %(default)s)")
    add_sources_arguments(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("index", help="build the Whoosh search index (only if the records changed)",
                       description="Build the Whoosh index of practices, countries, examples, facts, quotes, "
                       "footnotes, organizations and lessons into .generated/index/, only if the records changed "
                       "(then re-index only the documents that changed). Exit 1 when the records have problems.")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", help="search the knowledge base (words, \"phrases\", field:value, AND/OR/NOT, wildcards)",
                       description="Search with stemmed words, \"exact phrases\", field:value (speaker:, org:, "
                       "country:, kind:, practice:, title:, text:, footnote:), AND / OR / NOT and wildcards (rehab*). "
                       "A fresh index answers without loading the records; after a change they are validated and the "
                       "index updated first. Exit 0 (even with no hits), 1 when the records have problems, 2 for a "
                       "malformed query.")
    p.add_argument("query", help='the query, e.g. \'speaker:koller "pre-trial detention"\'')
    p.add_argument("--kind", choices=["practice", "country", "example", "fact", "quote", "footnote", "organization", "lesson"],
                   help="only results of this kind")
    p.add_argument("--country", help="only results about this country id, e.g. kazakhstan")
    p.add_argument("--practice", help="only results linked to this key practice id, e.g. family-ties")
    p.add_argument("--limit", type=int, default=10, help="at most N hits (default: %(default)s)")
    p.add_argument("--json", action="store_true", help="print one JSON object (shape documented in the README)")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("export", help="write kb.json, CSV, kb.sqlite, sources.bib and sources.csl.json",
                       description="Export every record: kb.json (schema/kb.schema.json), one CSV per table, kb.sqlite "
                       "(keys and foreign keys), sources.bib (BibTeX) and sources.csl.json (CSL-JSON). "
                       "`build` also writes them into site/downloads/.")
    p.add_argument("--out", help="folder to write to (default: site/downloads/)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("new", help="start a new record (source, practice, country, lesson) or a quote inside a country",
                       description="Write a record with the schema line, TODO placeholders (validate reports each "
                       "until it is replaced) and optional lists as commented-out YAML. A quote is added to the "
                       "`quotes:` list of the country given with --country. Refuses an id that exists (exit 2).")
    p.add_argument("kind", choices=["source", "practice", "country", "lesson", "quote"], help="what to create")
    p.add_argument("id", help="the new id, a slug such as germany-quote-koller-trust")
    p.add_argument("--country", help="for a quote: the id of the country it goes into")
    p.add_argument("--text", metavar="FILE", help="for a source: its text file, whose name and SHA-256 are recorded "
                   "(the file itself stays outside the repository)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("from-issue", help="write the record (or correction) an issue form asks for, then validate",
                       description="Read the Markdown body of a 'Propose a practice', 'Propose a source', 'Propose a "
                       "country' or 'Report a correction' issue (as GitHub renders the form), write the practice example, "
                       "fact or quote into its country's record, write the new source or country record, or replace the "
                       "words the site shows by the corrected ones, then validate. Prints the file changed. Exit 0 when "
                       "the result validates, 1 otherwise.")
    p.add_argument("file", help="a file holding the issue's body")
    p.add_argument("--format", choices=["text", "github"], default="text", help="how to print problems (as validate)")
    p.set_defaults(func=cmd_from_issue)

    p = sub.add_parser("protect", help="add a detail that identifies a returnee to a source's do_not_publish, as a hash",
                       description="Write the salted hash of a phrase that identifies an individual returnee (a name, "
                       "an age) under the do_not_publish of a source, never the phrase itself; validate then refuses "
                       "it in every record, however it is disguised (case, hyphens, spaces, number words). Give - "
                       "to read the phrases from standard input, one per line, so that they stay out of the shell's "
                       "history.")
    p.add_argument("phrase", help="the phrase (a name, an age as the source words it), or - to read phrases from standard input")
    p.add_argument("--source", required=True, help="the id of the source that prints it")
    p.set_defaults(func=cmd_protect)

    p = sub.add_parser("schema", help="write the JSON Schemas of the record kinds into schema/",
                       description="Generate one JSON Schema per record kind from the Pydantic models.")
    p.add_argument("--out", help="folder to write to (default: schema/)")
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    return args.func(args)
