"""The ``chengxin`` command: serve, worker, migrate, extract, deadline, demo, sweep, recalendar, snapshot,
user."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from app import clock
from app.settings import Settings

cli = typer.Typer(
    help="chengxin (诚信): track the promises local governments make.",
    no_args_is_help=True,
    add_completion=False,
)
user_cli = typer.Typer(help="Manage users and API tokens.", no_args_is_help=True)
cli.add_typer(user_cli, name="user")
corpus_cli = typer.Typer(help="The reviewed documents as annotated corpus data.", no_args_is_help=True)
cli.add_typer(corpus_cli, name="corpus")

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "migrations"
T = TypeVar("T")


def _run(settings: Settings, body: Callable[[], Awaitable[T]]) -> T:
    """Run ``body`` with the database connected (migrations applied first)."""

    async def main() -> T:
        from tortoise import Tortoise

        await migrate_database(settings)
        from app.db import tortoise_config

        await Tortoise.init(config=tortoise_config(settings.db_url), _enable_global_fallback=True)
        try:
            return await body()
        finally:
            await Tortoise.close_connections()

    return asyncio.run(main())


async def migrate_database(settings: Settings) -> list[str]:
    """Apply the aerich migrations that are not yet applied (creating the database schema on first run)."""
    from aerich import Command
    from tortoise import Tortoise

    from app.db import tortoise_config

    command = Command(tortoise_config=tortoise_config(settings.db_url), app="models", location=str(MIGRATIONS))
    await command.init()
    try:
        return await command.upgrade(run_in_transaction=True)
    finally:
        await Tortoise.close_connections()


@cli.command()
def migrate() -> None:
    """Apply database migrations."""
    settings = Settings.from_env()
    applied = asyncio.run(migrate_database(settings))
    typer.echo(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="HTTP worker processes.")] = 1,
) -> None:
    """Serve the API and UI with granian (migrations are applied first)."""
    settings = Settings.from_env()
    asyncio.run(migrate_database(settings))
    _serve(host, port, workers)


def _serve(host: str, port: int, workers: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    typer.echo(f"serving on http://{host}:{port}  (API docs: http://{host}:{port}/schema)")
    Granian(
        "app.asgi:create_app",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        factory=True,
        workers=workers,
    ).serve()


@cli.command()
def worker(burst: Annotated[bool, typer.Option(help="Exit when the queue is empty.")] = False) -> None:
    """Run an arq worker (needs CHENGXIN_REDIS_URL)."""
    settings = Settings.from_env()
    if not settings.redis_url:
        typer.echo("CHENGXIN_REDIS_URL is not set: without Redis, jobs run inside `chengxin serve`.", err=True)
        raise typer.Exit(2)
    asyncio.run(migrate_database(settings))
    from app.worker import build_worker

    build_worker(settings, burst=burst).run()


@cli.command()
def extract(
    path: Annotated[Path, typer.Argument(help="PDF, DOCX or TXT file.")],
    signed_on: Annotated[str | None, typer.Option("--signed-on", help="Signing date YYYY-MM-DD.")] = None,
    kind: Annotated[str, typer.Option(help="auto|investment_promotion|ppp|policy_commitment")] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON result.")] = False,
) -> None:
    """Extract obligations from one document (no database)."""
    import extractors

    try:
        anchor = date.fromisoformat(signed_on) if signed_on else None
        doc_kind = None if kind == "auto" else extractors.DocumentKind(kind)
    except ValueError as exc:
        typer.echo(f"invalid option: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        data = path.read_bytes()
    except OSError as exc:
        typer.echo(f"cannot read {path}: {exc.strerror}", err=True)
        raise typer.Exit(1) from None
    try:
        result = extractors.extract(
            data, extractors.ExtractOptions(filename=path.name, kind=doc_kind, signed_on=anchor)
        )
    except extractors.ExtractionError as exc:
        typer.echo(exc.reason, err=True)
        raise typer.Exit(1) from None
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        return
    for i, ob in enumerate(result.obligations, 1):
        d = ob.deadline
        typer.echo(
            f"{i:3d}. [{ob.obligor.role}] {ob.obligor.name or ob.obligor.label or '?'}: {ob.text[:80]}"
            f"  → {d.date or d.text or '-'}"
        )


@cli.command()
def deadline(
    phrase: Annotated[str, typer.Argument(help="A deadline phrase, e.g. 本协议签订之日起30日内")],
    anchor: Annotated[str | None, typer.Option(help="Anchor date YYYY-MM-DD (signing).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Read one deadline phrase by the Civil Code rules; print the nominal date and the due date."""
    out = deadline_json(phrase, date.fromisoformat(anchor) if anchor else None)
    typer.echo(json.dumps(out, ensure_ascii=False) if as_json else "\n".join(f"{k}: {v}" for k, v in out.items()))


def deadline_json(phrase: str, anchor: date | None) -> dict[str, Any]:
    import extractors
    from trackers.calendar import effective_due, resolve_due

    d = extractors.resolve_deadline(phrase, anchor)
    due = None
    if d.date is not None:
        due = effective_due(d.date)
    elif d.offset and anchor and d.anchor in ("signing", "effective") and d.offset.value >= 0:
        due = resolve_due(anchor, d.offset.value, d.offset.unit)
    return {
        "kind": d.kind,
        "date": d.date.isoformat() if d.date else None,
        "due": due.date.isoformat() if due else None,
        "provisional": due.provisional if due else None,
        "offset": d.offset.to_dict() if d.offset else None,
        "anchor": d.anchor,
        "anchor_text": d.anchor_text,
        "recurrence": d.recurrence,
        "text": d.text,
    }


@cli.command()
def sweep(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default today).")] = None,
) -> None:
    """Move obligations to their state for a date, issue warnings, record integrity failures."""
    settings = Settings.from_env()
    day = date.fromisoformat(as_of) if as_of else clock.today()

    async def body() -> dict[str, Any]:
        from app.services.sweep import sweep_with_settings

        return (await sweep_with_settings(day, settings)).to_dict()

    typer.echo(json.dumps(_run(settings, body), ensure_ascii=False))


@cli.command()
def recalendar() -> None:
    """Re-resolve every provisional due date with the current official calendar (run after updating
    chinesecalendar once the State Council has published the next year's arrangement)."""
    settings = Settings.from_env()

    async def body() -> dict[str, int]:
        from app.services.tracking import recalendar as run

        return await run()

    typer.echo(json.dumps(_run(settings, body)))


@cli.command()
def snapshot(
    month: Annotated[str | None, typer.Option(help="Any day of the month YYYY-MM-DD (default: last month).")] = None,
) -> None:
    """Write (or rewrite) the monthly integrity snapshots of every organisation."""
    settings = Settings.from_env()
    day = date.fromisoformat(month) if month else clock.today().replace(day=1) - timedelta(days=1)

    async def body() -> int:
        from app.services.ratings import take_snapshots

        return await take_snapshots(day)

    typer.echo(json.dumps({"month": day.strftime("%Y-%m"), "organisations": _run(settings, body)}))


@user_cli.command("add")
def user_add(
    username: str,
    role: Annotated[str, typer.Option(help="admin|investment|finance|department|evaluator")],
    organisation: Annotated[str, typer.Option(help="Organisation id or exact name.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    display_name: str = "",
) -> None:
    """Create a user."""
    from app.models import Organisation, Role
    from app.services.users import add_user

    settings = Settings.from_env()

    async def body() -> str:
        org = await (
            Organisation.get_or_none(id=int(organisation))
            if organisation.isdigit()
            else Organisation.get_or_none(name=organisation)
        )
        if org is None:
            raise typer.BadParameter(f"no organisation {organisation!r}")
        user = await add_user(username, password, Role(role), org.id, display_name)
        return f"created user {user.username} ({role}) in {org.name}"

    typer.echo(_run(settings, body))


@user_cli.command("token")
def user_token(
    username: str,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    read_only: Annotated[bool, typer.Option("--read-only/--read-write")] = True,
    days: Annotated[int | None, typer.Option(help="Expire after N days.")] = None,
) -> None:
    """Issue a bearer API token for a user (printed once)."""
    from app.services.users import issue_token

    settings = Settings.from_env()
    typer.echo(_run(settings, lambda: issue_token(username, name, read_only=read_only, days=days)))


@corpus_cli.command("export")
def corpus_export(
    document: Annotated[int | None, typer.Option("--document", help="Only this document id.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for <doc_id>.txt and <doc_id>.gold.json.")] = Path(
        "corpus-export"
    ),
) -> None:
    """Write every reviewed document, with the clerks' corrections, in the corpus's gold format."""
    from app.services.corpus import export_corpus

    settings = Settings.from_env()
    written = _run(settings, lambda: export_corpus(out, document))
    typer.echo(json.dumps({"out": str(out), "documents": written}, ensure_ascii=False))


@cli.command()
def demo(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Sweep date YYYY-MM-DD (default today).")] = None,
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the UI afterwards.")] = True,
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Create a local database, ingest the examples, confirm, sweep, print a summary, then serve."""
    from app.demo import run_demo

    settings = Settings.from_env()
    day = date.fromisoformat(as_of) if as_of else clock.today()
    summary = _run(settings, lambda: run_demo(settings, day, ROOT / "examples"))
    typer.echo(summary)
    if serve_after:
        _serve(host, port, 1)


def main() -> None:
    cli()
