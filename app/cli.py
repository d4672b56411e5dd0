"""The ``chengxin`` command: serve, worker, migrate, extract, deadline, demo, sweep, recalendar, snapshot,
org, user, token."""

from __future__ import annotations

import asyncio
import json
import os
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
user_cli = typer.Typer(help="Manage users.", no_args_is_help=True)
cli.add_typer(user_cli, name="user")
audit_cli = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
cli.add_typer(audit_cli, name="audit")
org_cli = typer.Typer(help="Manage organisations.", no_args_is_help=True)
cli.add_typer(org_cli, name="org")
token_cli = typer.Typer(help="List and revoke API tokens.", no_args_is_help=True)
cli.add_typer(token_cli, name="token")
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
    host: Annotated[str, typer.Option(help="Address to listen on.", envvar="CHENGXIN_HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.", envvar="CHENGXIN_PORT")] = 8000,
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
    from app.worker import RedisUnreachable, run_worker

    try:
        asyncio.run(run_worker(settings, burst=burst))
    except RedisUnreachable as exc:
        typer.echo(exc.reason, err=True)
        raise typer.Exit(1) from None


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


def _sweep_date(as_of: str | None) -> date:
    """``--as-of`` (default today); a malformed date or one after today is an error (exit 2)."""
    from app.services.sweep import FutureSweep, refuse_future

    try:
        day = date.fromisoformat(as_of) if as_of else clock.today()
        refuse_future(day, clock.today())
    except FutureSweep as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from None
    except ValueError:
        typer.echo(f"error: --as-of must be a date as YYYY-MM-DD, not {as_of!r}", err=True)
        raise typer.Exit(2) from None
    return day


@cli.command()
def sweep(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default today).")] = None,
) -> None:
    """Move obligations to their state for a date, issue warnings, record integrity failures."""
    settings = Settings.from_env()
    day = _sweep_date(as_of)

    async def body() -> dict[str, Any]:
        from app.services.sweep import sweep_obligations

        return (await sweep_obligations(day, settings.tracking_policies())).to_dict()

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


def _read_password(from_stdin: bool, *, confirm: bool = True) -> str:
    """A password from standard input (first line) or a hidden prompt; never from the command line."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            typer.echo("no password on standard input", err=True)
            raise typer.Exit(2)
        return password
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=confirm))


def _fail(exc: Exception) -> typer.Exit:
    from app.errors import AppError

    typer.echo(f"error: {exc.detail if isinstance(exc, AppError) else exc}", err=True)
    return typer.Exit(1)


def _run_service(settings: Settings, body: Callable[[], Awaitable[T]]) -> T:
    """``_run`` with domain errors (bad password, unknown user …) printed as one line and exit status 1."""
    from app.errors import AppError

    try:
        return _run(settings, body)
    except AppError as exc:
        raise _fail(exc) from None


async def _organisation(ref: str) -> Any:
    """An organisation by id or exact name (a name used twice must be given by id)."""
    from app.models import Organisation

    if ref.isdigit():
        org = await Organisation.get_or_none(id=int(ref))
    else:
        matches = await Organisation.filter(name=ref).limit(2)
        if len(matches) > 1:
            raise typer.BadParameter(f"{ref!r} names several organisations; give the id")
        org = matches[0] if matches else None
    if org is None:
        raise typer.BadParameter(f"no organisation {ref!r} (create it with `chengxin org add`)")
    return org


@org_cli.command("add")
def org_add(
    name: str,
    kind: Annotated[str, typer.Option(help="city|district|town|department|committee|other")],
    parent: Annotated[str | None, typer.Option(help="Parent organisation id or exact name.")] = None,
    uscc: Annotated[str | None, typer.Option(help="Unified social credit code.")] = None,
) -> None:
    """Create an organisation (the first one of a fresh installation has no parent)."""
    from app.models import OrgKind
    from app.services.organisations import create_organisation

    try:
        org_kind = OrgKind(kind)
    except ValueError:
        raise typer.BadParameter(f"--kind must be one of {', '.join(OrgKind)}") from None
    settings = Settings.from_env()

    async def body() -> str:
        parent_org = await _organisation(parent) if parent else None
        org = await create_organisation(name, org_kind, parent_org.id if parent_org else None, uscc)
        return f"created organisation {org.name} ({org.kind}) id {org.id}"

    typer.echo(_run_service(settings, body))


@org_cli.command("list")
def org_list() -> None:
    """List organisations (id, kind, name) in tree order."""
    from app.models import Organisation

    settings = Settings.from_env()

    async def body() -> list[str]:
        rows = await Organisation.all().order_by("path")
        return [f"{o.id:>5}  {o.kind!s:<10} {'  ' * (o.path.count('/') - 2)}{o.name}" for o in rows]

    typer.echo("\n".join(_run(settings, body)) or "no organisations")


@user_cli.command("add")
def user_add(
    username: str,
    role: Annotated[str, typer.Option(help="admin|investment|finance|department|evaluator")],
    organisation: Annotated[str, typer.Option(help="Organisation id or exact name.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    display_name: str = "",
) -> None:
    """Create a user (the first admin of a fresh installation too). The password is asked for (or read
    from standard input) and must be changed at the first login."""
    from app.models import Role
    from app.services.users import add_user

    try:
        user_role = Role(role)
    except ValueError:
        raise typer.BadParameter(f"--role must be one of {', '.join(Role)}") from None
    settings = Settings.from_env()
    password = _read_password(password_stdin)

    async def body() -> str:
        org = await _organisation(organisation)
        user = await add_user(username, password, user_role, org.id, display_name, must_change_password=True)
        return f"created user {user.username} ({role}) in {org.name}; the password must be changed at first login"

    typer.echo(_run_service(settings, body))


@user_cli.command("passwd")
def user_passwd(
    username: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a new password for a user (who must change it at the next login); their sessions end."""
    from app.services.users import reset_password

    settings = Settings.from_env()
    password = _read_password(password_stdin)

    async def body() -> str:
        user = await reset_password(None, username, password)
        return f"password of {user.username} set; it must be changed at the next login"

    typer.echo(_run_service(settings, body))


@user_cli.command("disable")
def user_disable(username: str) -> None:
    """Disable a user: their sessions end and their API tokens stop working."""
    from app.services.users import set_active

    settings = Settings.from_env()

    async def body() -> str:
        user = await set_active(None, username, False)
        return f"disabled {user.username}"

    typer.echo(_run_service(settings, body))


@user_cli.command("enable")
def user_enable(username: str) -> None:
    """Enable a disabled user again."""
    from app.services.users import set_active

    settings = Settings.from_env()

    async def body() -> str:
        user = await set_active(None, username, True)
        return f"enabled {user.username}"

    typer.echo(_run_service(settings, body))


@user_cli.command("list")
def user_list() -> None:
    """List users: name, role, organisation, state."""
    from app.services.users import list_users

    settings = Settings.from_env()

    async def body() -> list[str]:
        return [
            f"{u.username:<20} {u.role!s:<11} {u.organisation.name:<24} "
            f"{'active' if u.is_active else 'disabled'}{' (must change password)' if u.must_change_password else ''}"
            for u in await list_users()
        ]

    typer.echo("\n".join(_run(settings, body)) or "no users")


@user_cli.command("token")
def user_token(
    username: str,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    read_only: Annotated[bool, typer.Option("--read-only/--read-write")] = True,
    days: Annotated[int | None, typer.Option(help="Expire after N days (default CHENGXIN_TOKEN_DAYS, 90).")] = None,
) -> None:
    """Issue a bearer API token for a user (printed once)."""
    from app.services.users import issue_token

    settings = Settings.from_env()

    async def body() -> str:
        issued = await issue_token(None, username, name, read_only=read_only, days=days or settings.token_days)
        return issued.token

    typer.echo(_run_service(settings, body))


@token_cli.command("list")
def token_list(username: Annotated[str | None, typer.Argument(help="Only this user's tokens.")] = None) -> None:
    """List API tokens (never their values): id, user, name, scope, expiry, state."""
    from datetime import UTC, datetime

    from app.security import token_expiry
    from app.services.users import list_tokens

    settings = Settings.from_env()

    async def body() -> list[str]:
        now = datetime.now(UTC)
        lines = []
        for t in await list_tokens(username):
            expires = token_expiry(t)
            state = "revoked" if t.revoked_at else "expired" if expires <= now else "active"
            scope = "read-only" if t.read_only else "read-write"
            lines.append(
                f"{t.id:>5}  {t.user.username:<20} {t.name:<20} {scope:<10} expires {expires:%Y-%m-%d}  {state}"
            )
        return lines

    typer.echo("\n".join(_run(settings, body)) or "no tokens")


@token_cli.command("revoke")
def token_revoke(token_id: int) -> None:
    """Revoke an API token by its id (see `chengxin token list`)."""
    from app.services.users import revoke_token

    settings = Settings.from_env()

    async def body() -> str:
        token = await revoke_token(None, token_id)
        return f"revoked token {token.id}"

    typer.echo(_run_service(settings, body))


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain; exits 1 and lists the broken links (the first one first)."""
    from app.services.audit import ChainReport, verify

    settings = Settings.from_env()
    report: ChainReport = _run(settings, verify)
    for link in report.broken:
        typer.echo(f"entry {link.entry_id}: {link.reason}")
    summary = f"{report.entries} entries, last hash {report.last_hash}"
    if report.unchained:
        summary += f"; {report.unchained} entries written before the chain began are not verifiable"
    if not report.intact:
        typer.echo(f"audit log BROKEN ({len(report.broken)} broken links; {summary})")
        raise typer.Exit(1)
    typer.echo(f"audit log intact: {summary}")


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
    allow_non_sqlite: Annotated[
        bool,
        typer.Option("--allow-non-sqlite", help="Fill a non-SQLite database with demo data and demo accounts."),
    ] = False,
) -> None:
    """Create a local database, ingest the examples, confirm, sweep, print a summary, then serve.
    Refuses a database other than SQLite (a production one, most likely) unless told explicitly."""
    from app.demo import run_demo

    settings = Settings.from_env()
    if not settings.db_url.startswith("sqlite") and not allow_non_sqlite:
        typer.echo(
            "refusing to put demo data and demo accounts (with a published password) into "
            f"{settings.db_url.split('://')[0]} database CHENGXIN_DATABASE_URL; unset it for a local SQLite demo, "
            "or pass --allow-non-sqlite if this database is meant for the demo",
            err=True,
        )
        raise typer.Exit(2)
    day = _sweep_date(as_of)
    summary = _run(settings, lambda: run_demo(settings, day, ROOT / "examples"))
    typer.echo(summary)
    if serve_after:
        os.environ["CHENGXIN_DEMO"] = "1"  # the served app's login page names the demo accounts
        _serve(host, port, 1)


def main() -> None:
    cli()
