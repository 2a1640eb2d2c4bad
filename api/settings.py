"""Configuration, read from the environment (README.md, "Configuration")."""

import json
import os
from functools import lru_cache
from typing import Any, Literal
from uuid import UUID

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Used by `partner-connect dev` and `partner-connect token` when JWT_SECRET is unset,
# so that tokens minted in one shell work against the dev server in another. Only
# those two commands use it (`dev_settings`): no environment variable turns it on.
DEV_JWT_SECRET = "partner-connect-development-secret-not-for-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    database_url: str = "sqlite://partner-connect.sqlite3"
    redis_url: str = "redis://127.0.0.1:6379/0"
    smtp_url: str = "smtp://127.0.0.1:1025"
    mail_from: str = "Partner Connect <no-reply@partner-connect.localhost>"
    public_base_url: str = "http://127.0.0.1:8000"

    jwt_secret: str | None = None
    jwt_audience: str = "partner-connect"
    jwt_issuer: str | None = None
    jwt_jwks_url: str | None = None
    # A token is refused when it is valid for longer than this (from its `iat`, or
    # from now): a stolen token must not work forever.
    jwt_max_lifetime_seconds: float = Field(default=24 * 3600, gt=0)
    # Invitation tokens are derived from this secret (JWT_SECRET when unset), so the
    # database holds only their hashes.
    invitation_secret: str | None = None

    invitation_ttl_days: float = Field(default=30, gt=0)
    invitation_requests_per_minute: int = Field(default=60, ge=1)
    mutations_per_minute: int = Field(default=300, ge=1)

    # Microsoft Partner Center (api/integrations/partner_center.py): the API base and
    # the App+User credentials of the partner account the service acts as (an Entra ID
    # app, its secret, a refresh token of a user of that partner, the partner's tenant).
    # All set, or none: unset, removals are only recorded (development, demos).
    partner_center_url: str | None = None
    partner_center_client_id: str | None = None
    partner_center_client_secret: str | None = None
    partner_center_refresh_token: str | None = None
    partner_center_tenant_id: UUID | None = None
    # The Entra ID authority base (the tenant is appended); https only (MSAL).
    partner_center_authority_url: str = "https://login.microsoftonline.com"
    # A CA bundle to trust for Partner Center and the authority instead of the system's
    # (the stand-in's self-signed certificate in tests and `dev --partner-center`).
    partner_center_ca_file: str | None = None
    # Microsoft Graph, where the partner's GDAP relationships are listed
    # (`tenantRelationships/delegatedAdminRelationships`), with a token of the same app.
    graph_url: str = "https://graph.microsoft.com/v1.0"
    # The longest the customer sync waits on a 429's Retry-After before asking again.
    partner_center_sync_max_wait_seconds: float = Field(default=60, gt=0)

    # Namespaces every Redis key and channel, so deployments (and test runs) can share
    # one Redis server.
    redis_prefix: str = "partner-connect"
    job_max_tries: int = Field(default=5, ge=1)
    # A job running longer is cancelled and retried; arq redelivers the job of a worker
    # that died this long (plus 10 s) after it started.
    job_timeout_seconds: float = Field(default=120, gt=0)
    job_retry_base_seconds: float = Field(default=2.0, gt=0)
    # How often an idle worker looks for jobs: arq is not woken by an enqueue, so a job
    # waits up to this long before it starts (arq's own default is 0.5 s).
    worker_poll_seconds: float = Field(default=0.05, gt=0)
    # An outbox row enqueued this long ago whose job never finished is enqueued
    # again: the job (and its arq record) may have been lost with Redis.
    outbox_stale_after_seconds: float = Field(default=600, gt=0)
    outbox_relay_interval_seconds: float = Field(default=5, gt=0)
    outbox_retention_days: float = Field(default=7, gt=0)

    allowed_origins: list[str] = Field(default_factory=list)

    # Outgoing webhooks: the wait before each retry of a failed delivery (Standard
    # Webhooks' schedule: 7 retries over 27.6 hours), and how many deliveries in a row
    # may fail for good before the subscription is disabled.
    webhook_retry_delays_seconds: list[float] = Field(
        default_factory=lambda: [5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0],
        min_length=1,
    )
    webhook_disable_after_failures: int = Field(default=5, ge=1)
    webhook_timeout_seconds: float = Field(default=10, gt=0)
    # Webhook endpoints must be https on a public address; development and
    # on-premises receivers may need plain http or a private, loopback or link-local
    # address, which an operator allows here.
    webhook_allow_http: bool = False
    webhook_allow_private_targets: bool = False
    # Deliveries made or given up are listed (webhookDeliveries) this long, then deleted.
    webhook_delivery_retention_days: float = Field(default=30, gt=0)

    # Notifications Partner Center sends us (POST /webhooks/partner-center/<partner
    # tenant>): the addresses its signing certificate may be fetched from, the host the
    # certificate must name, and the issuers trusted to vouch for it (a PEM file; the
    # system's store when unset).
    partner_center_notification_certificate_urls: list[str] = Field(
        default_factory=lambda: ["https://3psostorageacct.blob.core.windows.net/cert/"]
    )
    partner_center_notification_signer: str = "pcnotifications-dispatch.microsoft.com"
    # Where an issuing CA's certificate that the CA file lacks may be fetched from (the
    # address a certificate names for its issuer, AIA): Microsoft's PKI.
    partner_center_notification_issuer_urls: list[str] = Field(
        default_factory=lambda: [
            "http://www.microsoft.com/pkiops/certs/",
            "https://www.microsoft.com/pkiops/certs/",
        ]
    )
    partner_center_notification_ca_file: str | None = None
    # Each partner's notification address ends in a key derived from this secret
    # (INVITATION_SECRET, else JWT_SECRET, when unset): Partner Center names only the
    # customer, so the address must be one only that partner knows.
    partner_center_notification_secret: str | None = None
    # Anyone may name an allowed certificate address in a request: at most this many
    # are fetched a minute (a certificate fetched is kept an hour, a failed address
    # is not asked again for ten minutes).
    partner_center_notification_certificate_fetches_per_minute: int = Field(default=10, ge=1)
    # Received notifications are kept this long to recognise a redelivery; one about a
    # change older than this could be a replay no longer recognisable, and is refused.
    partner_center_notification_retention_days: float = Field(default=30, gt=0)

    # Introspection (and "Did you mean …?" in errors), and the GraphiQL page at GET
    # /graphql: on for development; production serving only known clients turns
    # both off.
    graphql_introspection: bool = True
    graphql_ide: bool = True

    # The removal attestation an operator's lawyers wrote, with its version (both or
    # neither): stored with every removal.
    removal_attestation_text: str | None = Field(default=None, min_length=20)
    removal_attestation_version: str | None = Field(default=None, min_length=1, max_length=40)

    # "json" (one object a line, for log collectors) or "text".
    log_format: Literal["json", "text"] = "json"
    log_level: str = "INFO"

    @field_validator(
        "public_base_url", "partner_center_url", "partner_center_authority_url", "graph_url"
    )
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @field_validator("partner_center_authority_url")
    @classmethod
    def _authority_https(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError("PARTNER_CENTER_AUTHORITY_URL must be an https:// URL (MSAL)")
        return value

    @model_validator(mode="after")
    def _attestation_with_its_version(self) -> "Settings":
        if (self.removal_attestation_text is None) != (self.removal_attestation_version is None):
            raise ValueError(
                "Set REMOVAL_ATTESTATION_TEXT and REMOVAL_ATTESTATION_VERSION together: "
                "a changed text needs a version of its own."
            )
        return self

    @model_validator(mode="after")
    def _partner_center_whole(self) -> "Settings":
        required = {
            "PARTNER_CENTER_URL": self.partner_center_url,
            "PARTNER_CENTER_CLIENT_ID": self.partner_center_client_id,
            "PARTNER_CENTER_CLIENT_SECRET": self.partner_center_client_secret,
            "PARTNER_CENTER_REFRESH_TOKEN": self.partner_center_refresh_token,
            "PARTNER_CENTER_TENANT_ID": self.partner_center_tenant_id,
        }
        missing = [name for name, value in required.items() if not value]
        if 0 < len(missing) < len(required):
            raise ValueError(
                "Partner Center is half configured: set "
                + ", ".join(missing)
                + " too (or unset every PARTNER_CENTER_* setting to only record removals)."
            )
        return self

    @property
    def partner_center_configured(self) -> bool:
        return self.partner_center_url is not None and self.partner_center_tenant_id is not None

    @property
    def arq_queue_name(self) -> str:
        return f"{self.redis_prefix}:queue"

    @property
    def auth_configured(self) -> bool:
        return bool(self.jwt_secret or self.jwt_jwks_url)

    @property
    def token_secret(self) -> str | None:
        return self.invitation_secret or self.jwt_secret

    @property
    def notification_secret(self) -> str | None:
        return self.partner_center_notification_secret or self.token_secret


@lru_cache
def get_settings() -> Settings:
    return Settings()


def dev_settings(**overrides: Any) -> Settings:
    """Settings for the development commands: the environment's, with the development
    secret when JWT_SECRET is unset."""
    settings = Settings(**overrides)
    if settings.jwt_secret is None:
        settings = settings.model_copy(update={"jwt_secret": DEV_JWT_SECRET})
    return settings


def environment(settings: Settings, **extra: str) -> dict[str, str]:
    """This process's environment with `settings` written into it, as the variables
    that configure a child process (the tests' and the benchmarks' servers) the same."""
    env = dict(os.environ)
    for name, value in settings.model_dump(mode="json").items():
        key = name.upper()
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value if isinstance(value, str) else json.dumps(value)
    env.update(extra)
    return env
