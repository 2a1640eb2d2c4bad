"""The `partner-connect` command."""

import asyncio
import os
import socket
import uuid
from pathlib import Path
from typing import Annotated

import typer
from tortoise import Tortoise, connections

from api import logs
from api.db.config import tortoise_config
from api.db.migrate import migrate as run_migrations
from api.http.auth import mint_token
from api.integrations import partner_center, partner_center_notifications
from api.jobs import RetryLater
from api.permissions import Role
from api.relationships import sync as syncing
from api.relationships.tally import Tally
from api.settings import DEV_JWT_SECRET, dev_settings, get_settings

cli = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)


@cli.command()
def migrate() -> None:
    """Apply database migrations (DATABASE_URL)."""
    asyncio.run(run_migrations(get_settings().database_url))
    typer.echo("Database is up to date.")


@cli.command()
def seed(file: Annotated[Path, typer.Argument(help="A seed file (docs/behaviour.md).")]) -> None:
    """Load partners, links, customers, relationships and GDAP relationships."""
    from api.devtools import seed as seeding

    async def run() -> None:
        await Tortoise.init(config=tortoise_config(get_settings().database_url))
        try:
            await seeding.load(seeding.read(file))
        finally:
            await connections.close_all()

    try:
        asyncio.run(run())
    except seeding.SeedError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=1) from error
    typer.echo(f"Loaded {file}.")


@cli.command()
def sync(
    page_size: Annotated[
        int, typer.Option(min=1, max=500, help="Customers asked for per page.")
    ] = 500,
) -> None:
    """Import the partner's customers from Partner Center (PARTNER_CENTER_*) and its
    GDAP relationships from Microsoft Graph, as the worker does every hour: a line per
    page, then the customers' summary. Without PARTNER_CENTER_URL, the stand-in of a
    `partner-connect dev --partner-center` running from this folder, on its database."""
    settings = get_settings()
    if settings.partner_center_url is None:
        from api.devtools.dev import stand_in_settings

        found = stand_in_settings()
        if found is not None:
            settings = found
            typer.echo(
                "Syncing with the stand-in Partner Center of `partner-connect dev "
                f"--partner-center` ({settings.partner_center_url}), database "
                f"{settings.database_url}",
                err=True,
            )

    def progress(what: str, number: int, tally: Tally) -> None:
        typer.echo(f"{what} page {number}: {_counts(tally)}")

    async def run() -> Tally:
        await Tortoise.init(config=tortoise_config(settings.database_url))
        try:
            return await syncing.sync_configured(settings, on_page=progress, page_size=page_size)
        finally:
            await partner_center.close_clients()
            await connections.close_all()

    try:
        total = asyncio.run(run())
    except syncing.NotConfigured as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=2) from error
    except (partner_center.PartnerCenterError, RetryLater) as error:
        typer.echo(f"error: Partner Center: {error}", err=True)
        raise typer.Exit(code=1) from error
    typer.echo(f"Synced: {_counts(total)}.")


def _counts(tally: Tally) -> str:
    return ", ".join(f"{count} {name}" for name, count in tally.as_dict().items())


@cli.command()
def token(
    tenant: Annotated[str, typer.Option(help="The tenant id (tid claim).")],
    role: Annotated[
        list[str], typer.Option(help="A role (repeat for several), e.g. GLOBAL_ADMIN.")
    ],
    sub: Annotated[str, typer.Option(help="The user id (sub claim).")] = "dev-user",
    hours: Annotated[float, typer.Option(help="Lifetime in hours.")] = 8,
) -> None:
    """Mint a development token signed with JWT_SECRET."""
    try:
        uuid.UUID(tenant)
    except ValueError as error:
        raise typer.BadParameter("must be a tenant id (a UUID)", param_hint="--tenant") from error
    unknown = [r for r in role if r not in Role.__members__]
    if unknown:
        typer.echo(f"warning: unknown role(s) {', '.join(unknown)} grant nothing", err=True)
    settings = dev_settings()
    if hours * 3600 > settings.jwt_max_lifetime_seconds:
        raise typer.BadParameter(
            f"at most {settings.jwt_max_lifetime_seconds / 3600:g} hours "
            "(JWT_MAX_LIFETIME_SECONDS): the API refuses longer-lived tokens",
            param_hint="--hours",
        )
    if settings.jwt_secret == DEV_JWT_SECRET:
        typer.echo("warning: JWT_SECRET is unset; signing with the development secret", err=True)
    typer.echo(
        mint_token(
            settings, tenant_id=tenant, roles=role, subject=sub, ttl_seconds=int(hours * 3600)
        )
    )


@cli.command("notification-address")
def notification_address(
    tenant: Annotated[str, typer.Option(help="The partner's tenant id.")],
) -> None:
    """Print the address a partner registers as its Partner Center webhook."""
    try:
        tenant_id = uuid.UUID(tenant)
    except ValueError as error:
        raise typer.BadParameter("must be a tenant id (a UUID)", param_hint="--tenant") from error
    settings = get_settings()
    if not settings.notification_secret:
        typer.echo(
            "Set PARTNER_CENTER_NOTIFICATION_SECRET (or INVITATION_SECRET, JWT_SECRET): "
            "the address carries a key derived from it.",
            err=True,
        )
        raise typer.Exit(2)
    typer.echo(partner_center_notifications.address(settings, tenant_id))


@cli.command()
def worker(
    health_host: Annotated[
        str, typer.Option(help="Interface of the worker's health endpoint.")
    ] = "127.0.0.1",
    health_port: Annotated[
        int, typer.Option(help="Port of /healthz and /readyz (0: any free port).")
    ] = 8001,
) -> None:
    """The worker: email delivery, DAP revocation, events, the outbox relay, expiry.
    It rides through Redis outages; /healthz and /readyz tell how it is."""
    from api.devtools.worker import run_worker

    settings = get_settings()
    logs.configure(settings.log_format, settings.log_level)
    asyncio.run(run_worker(settings, health_host=health_host, health_port=health_port))


@cli.command()
def dev(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="HTTP port.", envvar="PARTNER_CONNECT_PORT")] = 8000,
    smtp_port: Annotated[
        int, typer.Option(help="Port of the mail sink.", envvar="PARTNER_CONNECT_SMTP_PORT")
    ] = 1025,
    partner_center: Annotated[
        bool,
        typer.Option(
            "--partner-center",
            help="Run a stand-in Partner Center (and Entra ID) too, acting for Northwind "
            "Traders, and send removals to it.",
        ),
    ] = False,
) -> None:
    """API + worker + a mail sink in one process, on the embedded defaults."""
    from api.devtools.dev import run_dev

    needed = [(port, "--port", "PARTNER_CONNECT_PORT")]
    if "SMTP_URL" not in os.environ:  # the mail sink runs only without an SMTP_URL
        needed.append((smtp_port, "--smtp-port", "PARTNER_CONNECT_SMTP_PORT"))
    for number, option, variable in needed:
        if not _free(host, number):
            typer.echo(
                f"error: port {number} on {host} is in use; choose another with "
                f"{option} N (or {variable}=N)",
                err=True,
            )
            raise typer.Exit(code=2)
    asyncio.run(run_dev(host=host, port=port, smtp_port=smtp_port, partner_center=partner_center))


def _free(host: str, port: int) -> bool:
    """Whether uvicorn could listen on `port`. It binds with SO_REUSEADDR, as the probe
    does: else the TIME-WAIT sockets a stopped `dev` leaves for a minute count as in use."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def main() -> None:
    cli()
