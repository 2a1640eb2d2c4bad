"""`partner-connect dev`: the API, the worker and a mail sink in one process.

Runs on the embedded defaults unless the environment says otherwise: a SQLite file
in `.partner-connect/`, an embedded Redis, and an SMTP sink that prints every
message it receives and lists them at `/dev/mailbox` (api/devtools/mailbox.py).
Seeds a demo scenario on first start. With `--partner-center`, a stand-in Partner
Center (api/devtools/partner_center.py) runs in the process too, acting for the demo
partner Northwind Traders, and prints every call it receives.
"""

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import uuid
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from aiosmtpd.controller import Controller

from api import logs
from api.app import SERVER_OPTIONS, create_app
from api.db.migrate import migrate
from api.devtools import seed
from api.devtools.embedded_redis import EmbeddedRedis
from api.devtools.mailbox import Mailbox
from api.devtools.partner_center import Customer as StandInCustomer
from api.devtools.partner_center import PartnerCenterState, Recorded, Running, running
from api.http.auth import mint_token
from api.integrations.partner_center import close_clients
from api.integrations.partner_center_notifications import address
from api.partners.models import Partner
from api.permissions import Role
from api.relationships.models import RelationshipType
from api.settings import Settings, dev_settings
from workers.supervisor import Supervisor

DATA_DIRECTORY = Path(".partner-connect")
# Where `dev --partner-center` leaves its stand-in's address and credentials while it
# runs (readable by this user only), so that `partner-connect sync` finds it.
STAND_IN_FILE = DATA_DIRECTORY / "partner-center.json"
# Customers the stand-in lists beside the demo's: served in other portals until now,
# for a first sync to bring in.
OTHER_PORTALS = ("Trey Research", "Lamna Healthcare")


def demo_seed() -> seed.SeedFile:
    text = resources.files("api.devtools.demo").joinpath("seed.json").read_text(encoding="utf-8")
    return seed.parse(json.loads(text))


def demo_users(settings: Settings, demo: seed.SeedFile) -> list[dict[str, Any]]:
    """Demo sign-ins: every role of every demo partner, the admin of every customer a
    partner can invite (one it knows without reselling to it), and "a new customer": a
    tenant never seen before, each time the list is made."""
    users: list[dict[str, Any]] = []
    for partner in demo.partners:
        for role in list(Role)[:5]:
            users.append(
                {
                    "label": f"{partner.name} · {role.value}",
                    "organisation": partner.name,
                    "kind": partner.kind.value,
                    "role": role.value,
                    "token": mint_token(
                        settings,
                        tenant_id=partner.tenant_id,
                        roles=[role],
                        subject=f"{role.lower()}@{partner.partner_id}",
                    ),
                }
            )
    invitable = {r.customer for r in demo.relationships if r.type is RelationshipType.NONE}
    customers = [
        (f"{c.company_name} (existing customer)", c.tenant_id)
        for c in demo.customers
        if c.id in invitable
    ]
    for label, tenant in [*customers, ("A new customer", uuid.uuid4())]:
        users.append(
            {
                "label": f"{label} · CUSTOMER_ADMIN",
                "organisation": label,
                "kind": "CUSTOMER",
                "role": Role.CUSTOMER_ADMIN.value,
                "tenantId": str(tenant),
                "token": mint_token(
                    settings,
                    tenant_id=tenant,
                    roles=[Role.CUSTOMER_ADMIN],
                    subject="admin@customer",
                ),
            }
        )
    return users


def print_banner(
    settings: Settings, users: list[dict[str, Any]], *, stand_in: bool = False
) -> None:
    url = settings.public_base_url
    lines = [
        "",
        "Partner Connect is running (development mode).",
        f"  GraphiQL:   {url}/graphql",
        f"  Health:     {url}/healthz  {url}/readyz",
        f"  Database:   {settings.database_url}",
        f"  Redis:      {settings.redis_url}",
        f"  Mail sink:  {settings.smtp_url} (messages are printed here and listed at "
        f"{url}/dev/mailbox)",
        (
            f"  Partner Center: {settings.partner_center_url}"
            + (
                " (the stand-in: calls are printed here; POST /stand-in/notifications "
                'with {"eventName": …, "resourceUri": …} sends Northwind Traders a signed '
                "notification)"
                if stand_in
                else ""
            )
            if settings.partner_center_configured
            else "  Partner Center: not configured: removals are only recorded "
            "(--partner-center runs a stand-in)"
        ),
        *(
            [f"  Northwind Traders' Partner Center webhook: {address(settings, tenant)}"]
            if stand_in and (tenant := settings.partner_center_tenant_id)
            else []
        ),
        f"  Dashboard:  {url}/  (pick a demo user)",
        "",
        "Tokens (8 hours; paste as the HTTP header  Authorization: Bearer <token>):",
    ]
    for user in users:
        if user["kind"] in ("DIRECT_BILL", "CUSTOMER") or user["role"] == "GLOBAL_ADMIN":
            lines.append(f"  {user['label']}:\n    {user['token']}")
    lines += [
        "",
        f"Every demo user and token: {url}/dev/demo-users.json",
        "",
        "Stop with Ctrl+C.",
    ]
    print("\n".join(lines), flush=True)


def _database() -> dict[str, Any]:
    """dev's database, unless the environment names one."""
    if "DATABASE_URL" in os.environ:
        return {}
    return {"database_url": f"sqlite://{DATA_DIRECTORY / 'dev.sqlite3'}"}


def local_settings(host: str, port: int, smtp_port: int) -> Settings:
    DATA_DIRECTORY.mkdir(exist_ok=True)
    overrides = _database()
    if "SMTP_URL" not in os.environ:
        overrides["smtp_url"] = f"smtp://127.0.0.1:{smtp_port}"
    if "PUBLIC_BASE_URL" not in os.environ:
        overrides["public_base_url"] = f"http://{host}:{port}"
    # A webhook receiver under development listens on this machine, over plain http.
    for name in ("webhook_allow_http", "webhook_allow_private_targets"):
        if name.upper() not in os.environ:
            overrides[name] = True
    return dev_settings(**overrides)


def stand_in_customers(
    demo: seed.SeedFile, partner: seed.SeedPartner
) -> dict[str, StandInCustomer]:
    """The partner's customers as the stand-in lists them: those it resells in the
    demo, and `OTHER_PORTALS`."""
    resold = {
        r.customer
        for r in demo.relationships
        if r.partner == partner.id and r.type is RelationshipType.RESELLER
    }
    listed = [
        StandInCustomer(str(c.tenant_id), c.company_name, domain=c.default_domain)
        for c in demo.customers
        if c.id in resold
    ]
    listed += [
        StandInCustomer(
            str(uuid.uuid5(partner.tenant_id, name)),
            name,
            domain=f"{name.split()[0].lower()}.onmicrosoft.com",
        )
        for name in OTHER_PORTALS
    ]
    return {customer.tenant_id: customer for customer in listed}


def remember_stand_in(stand_in: Running) -> None:
    state = stand_in.state
    known = {
        "url": stand_in.url,
        "caFile": str(stand_in.ca_file.resolve()),
        "tenantId": state.tenant_id,
        "clientId": state.client_id,
        "clientSecret": state.client_secret,
        "refreshToken": state.refresh_token,
    }
    STAND_IN_FILE.unlink(missing_ok=True)
    with os.fdopen(os.open(STAND_IN_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
        json.dump(known, f)


def stand_in_settings() -> Settings | None:
    """Settings for the stand-in of a `dev --partner-center` running from this folder,
    on dev's database; None when there is none."""
    try:
        known = json.loads(STAND_IN_FILE.read_text())
    except FileNotFoundError:
        return None
    state = PartnerCenterState(
        tenant_id=known["tenantId"],
        client_id=known["clientId"],
        client_secret=known["clientSecret"],
        refresh_token=known["refreshToken"],
    )
    return state.settings(dev_settings(**_database()), known["url"], known["caFile"])


def print_call(call: Recorded) -> None:
    print(
        f"Partner Center stand-in: {call.method} {call.path} {json.dumps(call.body)} "
        f"→ {call.status} (MS-CorrelationId {call.headers.get('ms-correlationid')})",
        flush=True,
    )


def _periodic_job(record: logging.LogRecord) -> bool:
    """arq's lines about a cron job name it `cron:<function>` second."""
    args = record.args
    return isinstance(args, tuple) and len(args) > 1 and str(args[1]).startswith("cron:")


class _AtDebug(logging.Filter):
    """Demotes the INFO records `chatter` picks to DEBUG: shown only at LOG_LEVEL=DEBUG."""

    def __init__(self, chatter: Callable[[logging.LogRecord], bool]) -> None:
        super().__init__()
        self.chatter = chatter

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO or not self.chatter(record):
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


def configure_logs(settings: Settings) -> None:
    """Text for a terminal, unless the environment asks for JSON; the outbox relay
    every few seconds and the mail sink's SMTP dialogue at DEBUG, so that what a
    developer does (requests, jobs, emails) is what the terminal shows."""
    logs.configure(
        "text" if "LOG_FORMAT" not in os.environ else settings.log_format, settings.log_level
    )
    logging.getLogger("arq.worker").addFilter(_AtDebug(_periodic_job))
    logging.getLogger("mail.log").addFilter(_AtDebug(lambda record: True))


async def run_dev(*, host: str, port: int, smtp_port: int, partner_center: bool = False) -> None:
    settings = local_settings(host, port, smtp_port)
    configure_logs(settings)
    mailbox: Mailbox | None = None
    async with contextlib.AsyncExitStack() as stack:
        if "REDIS_URL" not in os.environ:
            redis = stack.enter_context(EmbeddedRedis())
            settings = settings.model_copy(update={"redis_url": redis.url})
        if "SMTP_URL" not in os.environ:
            mailbox = Mailbox(f"{settings.public_base_url}/dev/mailbox")
            sink = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
            sink.start()
            stack.callback(sink.stop)
        if partner_center:
            northwind = next(p for p in demo_seed().partners if p.name == "Northwind Traders")
            state = PartnerCenterState(
                tenant_id=str(northwind.tenant_id),
                customers=stand_in_customers(demo_seed(), northwind),
                on_call=print_call,
                # Northwind's Partner Center webhook points at this API.
                notification_url=address(settings, northwind.tenant_id),
            )
            stand_in = await stack.enter_async_context(
                running(state, directory=DATA_DIRECTORY / "partner-center")
            )
            settings = stand_in.settings(settings)
            remember_stand_in(stand_in)
            stack.callback(STAND_IN_FILE.unlink, missing_ok=True)
        await migrate(settings.database_url)
        await serve(settings, host, port, stand_in=partner_center, mailbox=mailbox)


class _DevServer(uvicorn.Server):
    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # Stop gracefully but do not re-raise the signal on the way out as uvicorn
        # does: `dev` still has to stop the worker, the mail sink and the embedded Redis.
        self.force_exit = self.should_exit and sig == signal.SIGINT
        self.should_exit = True


async def serve(
    settings: Settings,
    host: str,
    port: int,
    *,
    stand_in: bool = False,
    mailbox: Mailbox | None = None,
) -> None:
    demo = demo_seed()
    users = demo_users(settings, demo)
    app = create_app(
        settings,
        demo_users=lambda: demo_users(settings, demo),
        dev_routes=mailbox.routes() if mailbox else [],
    )
    server = _DevServer(
        uvicorn.Config(app, host=host, port=port, log_config=None, **SERVER_OPTIONS)
    )
    server_task = asyncio.create_task(server.serve())
    while not server.started:
        if server_task.done():
            server_task.result()
            return
        await asyncio.sleep(0.05)  # uvicorn has no start-up event
    if not await Partner.exists():
        await seed.load(demo)
        print("Loaded the demo scenario (api/devtools/demo/seed.json).", flush=True)
    worker_task = asyncio.create_task(Supervisor(settings).run())
    print_banner(settings, users, stand_in=stand_in)
    try:
        await server_task
    finally:
        worker_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker_task
        # Before the stand-in stops: an open TLS connection would hold it for 30 s.
        await close_clients()
    if sys.stdout.isatty():
        print("Stopped.")
