"""`partner-connect dev`: the API, the worker and a mail sink in one process.

Runs on the embedded defaults unless the environment says otherwise: a SQLite file
in `.partner-connect/`, an embedded Redis, and an SMTP sink that prints every
message it receives. Seeds a demo scenario on first start. With `--partner-center`,
a stand-in Partner Center (api/devtools/partner_center.py) runs in the process too,
acting for the demo partner Northwind Traders, and prints every call it receives.
"""

import asyncio
import contextlib
import email
import email.policy
import json
import os
import signal
import sys
import uuid
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
from api.devtools.partner_center import PartnerCenterState, Recorded, running
from api.http.auth import mint_token
from api.integrations.partner_center import close_clients
from api.partners.models import Partner
from api.permissions import Role
from api.relationships.models import RelationshipType
from api.settings import Settings, dev_settings
from workers.supervisor import Supervisor

DATA_DIRECTORY = Path(".partner-connect")


class PrintingMailSink:
    """An aiosmtpd handler that prints each message, like a mail catcher would show it."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        print(
            "\n" + "=" * 72,
            f"\nMail sink: message for {', '.join(envelope.rcpt_tos)}",
            f"\nFrom: {message['From']}\nSubject: {message['Subject']}",
            f"\nMessage-ID: {message['Message-ID']}\n\n{text}",
            "\n" + "=" * 72,
            flush=True,
        )
        return "250 Message accepted for delivery"


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
        f"  Mail sink:  {settings.smtp_url} (messages are printed here)",
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


def local_settings(host: str, port: int, smtp_port: int) -> Settings:
    DATA_DIRECTORY.mkdir(exist_ok=True)
    overrides: dict[str, Any] = {}
    if "DATABASE_URL" not in os.environ:
        overrides["database_url"] = f"sqlite://{DATA_DIRECTORY / 'dev.sqlite3'}"
    if "SMTP_URL" not in os.environ:
        overrides["smtp_url"] = f"smtp://127.0.0.1:{smtp_port}"
    if "PUBLIC_BASE_URL" not in os.environ:
        overrides["public_base_url"] = f"http://{host}:{port}"
    # A webhook receiver under development listens on this machine, over plain http.
    for name in ("webhook_allow_http", "webhook_allow_private_targets"):
        if name.upper() not in os.environ:
            overrides[name] = True
    return dev_settings(**overrides)


def print_call(call: Recorded) -> None:
    print(
        f"Partner Center stand-in: {call.method} {call.path} {json.dumps(call.body)} "
        f"→ {call.status} (MS-CorrelationId {call.headers.get('ms-correlationid')})",
        flush=True,
    )


async def run_dev(*, host: str, port: int, smtp_port: int, partner_center: bool = False) -> None:
    settings = local_settings(host, port, smtp_port)
    # Text for a terminal, unless the environment asks for JSON.
    logs.configure("text" if "LOG_FORMAT" not in os.environ else settings.log_format)
    async with contextlib.AsyncExitStack() as stack:
        if "REDIS_URL" not in os.environ:
            redis = stack.enter_context(EmbeddedRedis())
            settings = settings.model_copy(update={"redis_url": redis.url})
        if "SMTP_URL" not in os.environ:
            sink = Controller(PrintingMailSink(), hostname="127.0.0.1", port=smtp_port)
            sink.start()
            stack.callback(sink.stop)
        if partner_center:
            northwind = next(p for p in demo_seed().partners if p.name == "Northwind Traders")
            state = PartnerCenterState(
                tenant_id=str(northwind.tenant_id),
                on_call=print_call,
                # Northwind's Partner Center webhook points at this API.
                notification_url=f"{settings.public_base_url}/webhooks/partner-center/"
                f"{northwind.tenant_id}",
            )
            stand_in = await stack.enter_async_context(
                running(state, directory=DATA_DIRECTORY / "partner-center")
            )
            settings = stand_in.settings(settings)
        await migrate(settings.database_url)
        await serve(settings, host, port, stand_in=partner_center)


class _DevServer(uvicorn.Server):
    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # Stop gracefully but do not re-raise the signal on the way out as uvicorn
        # does: `dev` still has to stop the worker, the mail sink and the embedded Redis.
        self.force_exit = self.should_exit and sig == signal.SIGINT
        self.should_exit = True


async def serve(settings: Settings, host: str, port: int, *, stand_in: bool = False) -> None:
    demo = demo_seed()
    users = demo_users(settings, demo)
    app = create_app(settings, demo_users=lambda: demo_users(settings, demo))
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
