"""`iep-assistant`: the admin command line.

Each command is a small function here that calls into the module that does the
work; errors a person can fix are printed as one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from iep_assistant.config import PROJECT_ROOT, ConfigError, Settings, load_settings

EXIT_USAGE = 2


class CommandError(Exception):
    """A problem the person running the command can fix; printed as one line."""


def _settings() -> Settings:
    from iep_assistant.local_secrets import with_local_secrets

    return with_local_secrets(load_settings())


# --- knowledge ---------------------------------------------------------------------------


def cmd_build_training_data(args: argparse.Namespace) -> int:
    from iep_assistant.knowledge import KnowledgeError, load_knowledge_base, training_data

    try:
        kb = load_knowledge_base(load_settings().knowledge_dir)
    except KnowledgeError as exc:
        raise CommandError(str(exc)) from None
    if args.check:
        stale = training_data.stale_files(kb)
        if stale:
            names = ", ".join(str(p) for p in stale)
            raise CommandError(
                f"stale generated files: {names}; run `iep-assistant build-training-data`"
            )
        print(f"generated training data is up to date ({len(kb)} topics)")
        return 0
    changed = training_data.write(kb)
    print(
        f"{len(kb)} topics, {len(kb.points)} points, {len(kb.situations)} situations; "
        + (f"wrote {', '.join(str(p) for p in changed)}" if changed else "training data unchanged")
    )
    return 0


def cmd_check_knowledge(args: argparse.Namespace) -> int:
    from iep_assistant.knowledge import KnowledgeError, load_knowledge_base
    from iep_assistant.knowledge.checks import problems, topic_problems
    from iep_assistant.knowledge.format import parse_situation, parse_topic

    try:
        if args.files:  # one file at a time, without the references between files
            found = []
            for name in args.files:
                path = Path(name)
                if path.parent.name == "situations":
                    parse_situation(path)
                else:
                    found += list(topic_problems(parse_topic(path)))
            for line in found:
                print(line)
            print(f"{len(args.files)} file(s); {len(found)} problem(s)")
            return 1 if found else 0
        kb = load_knowledge_base(load_settings().knowledge_dir)
    except (KnowledgeError, OSError) as exc:
        raise CommandError(str(exc)) from None
    found = list(problems(kb))
    for line in found:
        print(line)
    points = sum(len(t.points) for t in kb)
    phrasings = sum(1 for _ in kb.labelled_phrasings())
    print(
        f"{len(kb)} topics, {points} points, {len(kb.situations)} situations, "
        f"{phrasings} phrasings; {len(found)} problem(s)"
    )
    return 1 if found else 0


def cmd_prune_models(args: argparse.Namespace) -> int:
    settings = load_settings()
    models = sorted(settings.model_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    for old in models[: -args.keep]:
        old.unlink()
    return 0


def cmd_evaluate_knowledge(args: argparse.Namespace) -> int:
    import tempfile

    from iep_assistant import stack
    from iep_assistant.knowledge import KnowledgeError, load_knowledge_base
    from iep_assistant.knowledge import evaluation as ev

    settings = load_settings()
    try:
        kb = load_knowledge_base(settings.knowledge_dir)
        questions = ev.load_questions(Path(args.questions), kb)
    except (OSError, ValueError, KnowledgeError) as exc:
        raise CommandError(str(exc)) from None
    texts = [q.text for q in questions]
    running = None
    rasa_url, secret = args.rasa_url, args.channel_secret
    with tempfile.TemporaryDirectory(prefix="iep-eval-") as tmp:
        if not rasa_url:
            model = stack.latest_model(settings.model_dir)
            if model is None:
                raise CommandError("no trained model: run `make model` first")
            local = stack.isolated_settings(Path(tmp), settings)
            env = stack.service_env(local)
            running = stack.Stack(
                [
                    stack.action_service(local, env, Path(tmp)),
                    stack.rasa_service(
                        local, env, Path(tmp), model=model, tracker_db=Path(tmp) / "t.db"
                    ),
                ]
            )
            print(f"Starting the assistant with {model.name} ...", flush=True)
            try:
                running.start()
            except stack.StackError as exc:
                raise CommandError(str(exc)) from None
            rasa_url, secret = local.rasa_url, local.channel_secret
        try:
            print(f"Asking {len(texts)} questions ...", flush=True)
            replies = asyncio.run(ev.ask_assistant(rasa_url, secret, texts))
        finally:
            if running:
                running.stop()
    baselines = {
        "TF-IDF search": ev.tfidf_search(kb, texts, with_phrasings=False),
        "TF-IDF search incl. phrasings": ev.tfidf_search(kb, texts, with_phrasings=True),
    }
    if not args.no_minilm:
        embed = ev.minilm_embedder(settings.rasa_bin.parent / "python")
        try:
            baselines["MiniLM search incl. phrasings"] = ev.minilm_search(kb, texts, embed)
        except RuntimeError as exc:
            raise CommandError(f"{exc} (or pass --no-minilm)") from None
    systems = [
        ev.Scores(
            "the assistant",
            [ev.judge(q, r) for q, r in zip(questions, replies, strict=True)],
            replies,
        )
    ]
    for name, answers in baselines.items():
        outcomes = [ev.judge(q, r) for q, r in zip(questions, answers, strict=True)]
        systems.append(ev.Scores(name, outcomes, answers))
    summary = ev.report(questions, systems)
    text = f"# Knowledge answers on {Path(args.questions).name}\n\n{summary}"
    for attribute in ("focus", "asker", "style", "expect", "topic"):
        text += f"\n## The assistant by {attribute}\n\n" + ev.by_group(
            questions, systems[0], attribute
        )
    text += "\n## What the assistant did not answer right\n\n" + ev.misses(questions, systems[0])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(summary)
    print(f"Full report: {out}")
    return 0


# --- records -----------------------------------------------------------------------------


def _database():
    from iep_assistant.records.db import Database

    return Database.from_url(load_settings().database_url)


def cmd_db(args: argparse.Namespace) -> int:
    database = _database()
    try:
        if args.action == "upgrade":
            database.upgrade(args.revision or "head")
        elif args.action == "downgrade":
            database.downgrade(args.revision or "base")
        current = database.current_revision() or "none (empty)"
        print(
            f"records database {database.engine.url.render_as_string()}: migration "
            f"{current} (this code: {database.head_revision()})"
        )
    finally:
        database.dispose()
    return 0


def _require_migrated(database) -> None:
    from iep_assistant.records.db import DatabaseError

    try:
        database.require_current()
    except DatabaseError as exc:
        raise CommandError(str(exc)) from None


LARGE_EXPORT_BYTES = 1_000_000


def _export_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.glob("*.csv"))


def cmd_import(args: argparse.Namespace) -> int:
    from iep_assistant.records.importer import ImportRejected, import_path

    path = Path(args.path)
    if not path.is_dir():
        raise CommandError(f"{path} is not a folder of CSV files (see docs/district-export.md)")
    settings = load_settings()
    database = _database()
    try:
        _require_migrated(database)
        try:
            report = import_path(
                database,
                path,
                district_time_zone=settings.district_time_zone,
                actor=f"import:{path.resolve().name}",
                check_only=args.check,
                # A bar only where someone watches, and only when there is a wait.
                progress=sys.stderr.isatty() and _export_size(path) > LARGE_EXPORT_BYTES,
            )
        except ImportRejected as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            count = len(exc.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} found; nothing was imported"
            ) from None
    finally:
        database.dispose()
    print(report.summary())
    verb = "would change" if args.check else "changed"
    print(f"{report.changes} records {verb}; {report.students_touched} students affected.")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from iep_assistant.records import demo

    settings = load_settings()
    database = _database()
    try:
        _require_migrated(database)
        report = demo.load(database, settings)
    finally:
        database.dispose()
    print(f"demo district loaded ({report.changes} records added or updated). Try it as one of:")
    for persona in demo.PERSONAS:
        print(f"  {persona.slack_user_id:<14} {persona.name}: {persona.about}")
    return 0


def cmd_notify(args: argparse.Namespace) -> int:
    """Run the reminder notifier on its own (front ends with Slack also run one)."""
    from datetime import timedelta

    from slack_sdk.web.async_client import AsyncWebClient

    from iep_assistant.logs import setup_logging
    from iep_assistant.reminders.delivery import Notifier, notice_defaults
    from iep_assistant.reminders.slack_messenger import SlackMessenger

    settings = load_settings()
    setup_logging(settings.log_level)
    if not settings.slack_bot_token:
        raise CommandError("SLACK_BOT_TOKEN is not set: reminders are delivered through Slack")
    database = _database()
    _require_migrated(database)
    client = AsyncWebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url.rstrip("/") + "/"
    )
    notifier = Notifier(
        database,
        SlackMessenger(client),
        notice_defaults(settings),
        lease=timedelta(seconds=settings.notifier_lease),
    )

    async def go() -> int:
        if args.once:
            return await notifier.run_once()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await notifier.run_forever(stop, every=settings.notifier_interval)
        return 0

    try:
        sent = asyncio.run(go())
    finally:
        database.dispose()
    if args.once:
        print(f"{sent} notifications sent")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Reports for the people who run the assistant; today, answer feedback."""
    from iep_assistant.knowledge import load_knowledge_base
    from iep_assistant.records import tickets

    kb = load_knowledge_base(load_settings().knowledge_dir)
    database = _database()
    try:
        _require_migrated(database)
        since = None
        if args.days:
            from datetime import UTC, datetime, timedelta

            since = datetime.now(UTC) - timedelta(days=args.days)
        with database.session() as session:
            scores = tickets.article_scores(session, since)
    finally:
        database.dispose()
    scores = [s for s in scores if s.votes >= args.min_votes]
    if not scores:
        print(
            "No feedback yet"
            + (f" with at least {args.min_votes} votes." if args.min_votes > 1 else ".")
        )
        return 0
    print(f"Weakest answers first ({len(scores)} with feedback):\n")
    print(f"{'helpful':>8} {'👍':>4} {'👎':>4}  article")
    for score in scores[: args.limit]:
        title = kb.title_of(score.article_id)
        name = f"{score.article_id} ({title})" if title else score.article_id
        print(f"{score.share_helpful:>7.0%} {score.helpful:>4} {score.not_helpful:>4}  {name}")
    print("\nEdit the topic in knowledge/, then `make run` (it retrains what changed).")
    return 0


def _retention_store(settings):
    from iep_assistant.records.transcripts import Transcripts

    return Transcripts(settings.tracker_db_url)


def cmd_purge(args: argparse.Namespace) -> int:
    """Remove transcripts, tickets and log entries older than their retention period."""
    from datetime import UTC, datetime

    from iep_assistant.records.retention import Retention, purge

    settings = load_settings()
    retention = Retention(
        transcript_days=settings.transcript_retention_days,
        ticket_days=settings.ticket_retention_days,
        audit_days=settings.audit_retention_days,
    )
    database, transcripts = _database(), _retention_store(settings)
    try:
        _require_migrated(database)
        with database.session() as session:
            removed = purge(session, transcripts, retention, datetime.now(UTC))
    finally:
        database.dispose()
        transcripts.dispose()
    print(
        f"Removed {removed.summary()} (kept: transcripts {retention.transcript_days} days, "
        f"tickets {retention.ticket_days} days, access log {retention.audit_days} days)."
    )
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    """Remove one person's conversations and personal data, on their request."""
    import getpass
    from datetime import UTC, datetime

    from iep_assistant.records.retention import forget

    who = args.person.strip()
    if not who:
        raise CommandError("name the person: a Slack user id, a web visitor id or a district id")
    settings = load_settings()
    database, transcripts = _database(), _retention_store(settings)
    try:
        _require_migrated(database)
        with database.session() as session:
            done = forget(
                session, transcripts, who, now=datetime.now(UTC), by=f"cli:{getpass.getuser()}"
            )
    finally:
        database.dispose()
        transcripts.dispose()
    print(f"Forgot {who}: removed {done.removed.summary()}.")
    if done.person_found:
        print(
            "Their profile came from the district's export: remove them there too, or the "
            "next import brings the profile (not the conversations) back."
        )
    print("The access log keeps its entries about them: it is the legal record of access.")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """Who saw or changed a student's records, when, and through which channel."""
    from sqlalchemy import or_, select

    from iep_assistant.records import audit
    from iep_assistant.records.models import Student

    wanted = args.student.strip()
    database = _database()
    try:
        _require_migrated(database)
        with database.session() as session:
            conditions = [Student.external_id == wanted]
            if wanted.isdigit():
                conditions.append(Student.id == int(wanted))
            student = session.scalar(select(Student).where(or_(*conditions)))
            if student is None:
                raise CommandError(f"no student with id {wanted!r} (use the district's student id)")
            lines = audit.for_student(session, student.id)
            name = student.display_name
    finally:
        database.dispose()
    print(f"Access to the records of {name} ({wanted}), oldest first (34 CFR 300.614):")
    if not lines:
        print("  (no access recorded)")
    for line in lines:
        print(
            f"  {line.at:%Y-%m-%d %H:%M} UTC  {line.action.value:<6} {line.what:<26} "
            f"{line.channel.value:<8} {line.who}"
        )
    return 0


# --- running -----------------------------------------------------------------------------


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the stack the same clean way as Ctrl-C."""
    raise KeyboardInterrupt


def _slack_mode(settings: Settings) -> str:
    return "Socket Mode" if settings.socket_mode else "HTTP events"


def cmd_run(args: argparse.Namespace) -> int:
    from iep_assistant import stack

    settings = _settings()
    model = stack.latest_model(settings.model_dir)
    if model is None:
        raise CommandError(
            f"no trained model in {settings.model_dir}: run `make run`, which trains one"
        )
    for name, port in (
        ("ACTION_PORT", settings.action_port),
        ("RASA_PORT", settings.rasa_port),
        ("WEB_PORT", settings.web_port),
    ):
        if not stack.port_free(port):
            raise CommandError(f"port {port} is in use (another copy running?); set {name} in .env")
    database = _database()
    try:
        _require_migrated(database)
    finally:
        database.dispose()
    log_dir = PROJECT_ROOT / "var" / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    env = stack.service_env(settings)
    services = [
        stack.action_service(settings, env, log_dir),
        stack.rasa_service(settings, env, log_dir, model=model),
        stack.frontend_service(settings, env, log_dir),
    ]
    running = stack.Stack(services)
    print(f"Starting IEP Assistant (model {model.name}; logs in {log_dir}) ...", flush=True)
    started = time.monotonic()
    # Also SIGINT: a shell that starts us in the background sets it to "ignore".
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        running.start(report=lambda line: print(f"  ✓ {line}", flush=True))
        print(
            f"\nIEP Assistant is up after {time.monotonic() - started:.0f} s.\n"
            f"  Web chat:      http://127.0.0.1:{settings.web_port}/\n"
            f"  Terminal chat: {PROJECT_ROOT / '.venv/bin/iep-assistant'} chat\n"
            + (
                f"  Slack:         connected ({_slack_mode(settings)})\n"
                if settings.slack_enabled
                else "  Slack:         off (add tokens to .env to connect; see README)\n"
            )
            + "Press Ctrl-C to stop.",
            flush=True,
        )
        while True:
            time.sleep(1)
            dead = running.failed()
            if dead:
                print(
                    f"\nThe {dead.name} stopped unexpectedly. "
                    f"Last lines of its log:\n{dead.log_tail()}"
                )
                return 1
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    except stack.StackError as exc:
        raise CommandError(str(exc)) from None
    finally:
        running.stop()


def cmd_chat(args: argparse.Namespace) -> int:
    from iep_assistant.chat_terminal import chat

    settings = _settings()
    if args.as_user and settings.profile != "embedded":
        raise CommandError("--as is only for trying the demo in the embedded profile")
    return asyncio.run(chat(settings, as_user=args.as_user))


# --- wiring ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="iep-assistant", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = add("build-training-data", cmd_build_training_data, "derive Rasa data from knowledge/")
    p.add_argument("--check", action="store_true", help="fail if the generated files are stale")
    p = add("check-knowledge", cmd_check_knowledge, "check knowledge/ (format, sources, lengths)")
    p.add_argument("files", nargs="*", help="only these files (default: the whole knowledge base)")
    p = add("prune-models", cmd_prune_models, "delete all but the newest trained models")
    p.add_argument("--keep", type=int, default=2)
    p = add(
        "evaluate-knowledge",
        cmd_evaluate_knowledge,
        "judge the assistant's replies to held-out questions, beside plain searches",
    )
    p.add_argument("--questions", default=str(PROJECT_ROOT / "tests/heldout/knowledge_eval.yml"))
    p.add_argument("--out", default=str(PROJECT_ROOT / "results/knowledge-eval.md"))
    p.add_argument("--rasa-url", help="a running assistant's Rasa server (default: start one)")
    p.add_argument("--channel-secret", default="", help="that assistant's IEP_CHANNEL_SECRET")
    p.add_argument("--no-minilm", action="store_true", help="skip the MiniLM search baseline")
    p = add("db", cmd_db, "migrate the records database (Alembic)")
    p.add_argument("action", choices=["upgrade", "downgrade", "current"])
    p.add_argument("revision", nargs="?", help="target revision (default: head / base)")
    p = add("import", cmd_import, "import a district's CSV export (docs/district-export.md)")
    p.add_argument("path", help="the folder of CSV files")
    p.add_argument("--check", action="store_true", help="validate only; change nothing")
    add("demo-data", cmd_demo_data, "load (or refresh) the fictional demo district")
    p = add("notify", cmd_notify, "send due reminders and notices to Slack (runs until stopped)")
    p.add_argument("--once", action="store_true", help="one pass, then exit")
    p = add("report", cmd_report, "reports: the answers people found least helpful")
    p.add_argument("kind", choices=["feedback"])
    p.add_argument("--days", type=int, default=0, help="only the last N days (default: all)")
    p.add_argument("--min-votes", type=int, default=1, help="ignore articles with fewer votes")
    p.add_argument("--limit", type=int, default=20)
    add("purge", cmd_purge, "remove what is older than its retention period")
    p = add("forget", cmd_forget, "remove a person's conversations and personal data")
    p.add_argument("person", help="a Slack user id, a web visitor id, or the district's id")
    p = add("audit", cmd_audit, "who saw or changed a student's records, and when")
    p.add_argument("student", help="the district's student id")
    add("run", cmd_run, "start the assistant (action server, Rasa, front end)")
    p = add("chat", cmd_chat, "chat with the running assistant in this terminal")
    p.add_argument("--as", dest="as_user", metavar="SLACK_USER_ID", help="act as this demo person")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CommandError, ConfigError) as exc:
        print(f"iep-assistant {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
