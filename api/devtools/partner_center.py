"""A stand-in for Microsoft: Partner Center's REST API and the Entra ID endpoints MSAL
uses, in their documented shapes, for tests, the benchmark and
`partner-connect dev --partner-center`. Nothing here reaches Microsoft.

- Entra ID: `GET /{tenant}/v2.0/.well-known/openid-configuration` and
  `POST /{tenant}/oauth2/v2.0/token` with the refresh-token grant (client id, secret
  and refresh token checked; an access token with `expires_in`, and a new refresh
  token each time — the old ones stay valid, as Entra ID's do).
- Partner Center: `PATCH /v1/customers/{customer-tenant-id}` with
  `{"relationshipToPartner": "none", ...}` or `{"AllowDelegatedAccess": false, ...}`
  (answers the Customer resource; a customer without the relationship answers 400
  with error code 3000), `GET /v1/customers/{customer-tenant-id}` and its
  `/profiles/billing` (404 for one not the partner's, or without a profile),
  `GET /v1/customers?size=N` (pages linked by `links.next` and the
  `MS-ContinuationToken` header).
- Microsoft Graph, under `/graph/v1.0`: `GET /tenantRelationships/
  delegatedAdminRelationships` (pages of `$top` linked by `@odata.nextLink`) and
  `…/delegatedAdminRelationships/{id}` (404 for an unknown one), for a
  token issued for Graph's scope (a Partner Center token is refused there, and the
  other way round, as audiences are).
- Its notifications (webhooks): `POST /stand-in/notifications` with
  `{"eventName": …, "resourceUri": …}` signs a notification as Partner Center does
  (`Authorization: Signature …`, rsa-sha256, `X-MS-Certificate-Url` pointing at the
  certificate it serves under `/cert/`, issued by its CA) and delivers it to
  `notification_url`.
- On demand (`PartnerCenterState`): 401 for every token (`reject_tokens`) or for the
  ones issued so far (`expire_tokens()`), 429 with `Retry-After` (`throttle`), 5xx
  (`fail_next`, `always_fail`), an answer held until the stand-in stops (`hold`),
  bodies of any shape (`answers`) and a customer list that never ends (`cycle`).

It is served over HTTPS with a certificate of its own CA (MSAL accepts only https
authorities): clients trust `ca_file` (`PARTNER_CENTER_CA_FILE`).
"""

import asyncio
import base64
import contextlib
import datetime as dt
import json
import secrets
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.devtools.certificates import Signer, authority, issued, write
from api.devtools.servers import until_started
from api.settings import Settings

SCOPE = "https://api.partnercenter.microsoft.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
GRAPH_PATH = "/graph/v1.0"
NOTIFICATION_SIGNER = "pcnotifications-dispatch.microsoft.com"
# Entra's Global Reader role (its template id), a common GDAP role.
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
# Where Microsoft serves its signing certificate, under an allowed prefix ("/cert/").
CERTIFICATE_PATH = f"/cert/{NOTIFICATION_SIGNER}.cer"
START_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Certificates:
    """The stand-in's PEM files in `directory`: its CA, its HTTPS certificate, and the
    certificate it signs notifications with (for Partner Center's notification host)."""

    directory: Path

    @property
    def ca_file(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def cert_file(self) -> Path:
        return self.directory / "partner-center.pem"

    @property
    def key_file(self) -> Path:
        return self.directory / "partner-center.key"

    @property
    def signer_cert_file(self) -> Path:
        return self.directory / "notifications.pem"

    @property
    def signer_key_file(self) -> Path:
        return self.directory / "notifications.key"

    def signer(self) -> Signer:
        key = serialization.load_pem_private_key(self.signer_key_file.read_bytes(), None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return Signer(key, x509.load_pem_x509_certificate(self.signer_cert_file.read_bytes()))


def certificates(directory: Path) -> Certificates:
    """A CA, a certificate it signed for 127.0.0.1 and localhost, and one for Partner
    Center's notification signer, as PEM files."""
    ca = authority()
    files = Certificates(directory)
    directory.mkdir(parents=True, exist_ok=True)
    files.ca_file.write_bytes(ca.certificate_pem())
    write(directory, "partner-center", issued(ca, "127.0.0.1"))
    write(directory, "notifications", issued(ca, NOTIFICATION_SIGNER))
    return files


@dataclass
class Customer:
    tenant_id: str
    company_name: str = ""
    relationship_to_partner: str = "reseller"
    allow_delegated_access: bool = True
    domain: str = ""
    # A CustomerBillingProfile, or None: 404; or a status Partner Center fails with.
    billing_profile: dict[str, Any] | None = None
    billing_profile_failure: int | None = None

    def resource(self) -> dict[str, Any]:
        """A Customer resource as Partner Center answers it."""
        return {
            "id": self.tenant_id,
            "commerceId": self.tenant_id,
            "companyProfile": {
                "tenantId": self.tenant_id,
                "domain": self.domain or f"{self.tenant_id[:8]}.onmicrosoft.com",
                "companyName": self.company_name or f"Customer {self.tenant_id[:8]}",
                "attributes": {"objectType": "CustomerCompanyProfile"},
            },
            "relationshipToPartner": self.relationship_to_partner,
            "allowDelegatedAccess": self.allow_delegated_access,
            "links": {
                "self": {"uri": f"/customers/{self.tenant_id}", "method": "GET", "headers": []}
            },
            "attributes": {"objectType": "Customer"},
        }


@dataclass
class GdapRelationship:
    """A GDAP relationship as Microsoft Graph lists it."""

    customer_tenant_id: str
    display_name: str
    status: str = "active"
    roles: list[str] = field(default_factory=lambda: [GLOBAL_READER])
    end: dt.datetime = field(
        default_factory=lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=730)
    )
    auto_extend_duration: str = "PT0S"
    id: str = field(default_factory=lambda: f"{uuid.uuid4()}-{uuid.uuid4()}")

    def resource(self) -> dict[str, Any]:
        return {
            "@odata.type": "#microsoft.graph.delegatedAdminRelationship",
            "id": self.id,
            "displayName": self.display_name,
            "duration": "P730D",
            "customer": {
                "tenantId": self.customer_tenant_id,
                "displayName": f"Customer {self.customer_tenant_id[:8]}",
            },
            "accessDetails": {"unifiedRoles": [{"roleDefinitionId": role} for role in self.roles]},
            "status": self.status,
            "autoExtendDuration": self.auto_extend_duration,
            "createdDateTime": (self.end - dt.timedelta(days=730)).isoformat(),
            "lastModifiedDateTime": (self.end - dt.timedelta(days=730)).isoformat(),
            "activatedDateTime": (self.end - dt.timedelta(days=730)).isoformat(),
            "endDateTime": self.end.isoformat().replace("+00:00", "Z"),
        }


@dataclass
class Recorded:
    """A Partner Center call as the stand-in received it, and what it answered (None
    while it is held)."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int | None = None

    @property
    def customer(self) -> str | None:
        parts = self.path.strip("/").split("/")
        return parts[2] if len(parts) == 3 and parts[1] == "customers" else None


@dataclass
class PartnerCenterState:
    tenant_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    refresh_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    access_token_seconds: int = 3600
    # Customers PATCHed without being known are known as reseller customers with DAP,
    # unless `strict` (then 404, as for a customer that is not the partner's).
    customers: dict[str, Customer] = field(default_factory=dict)
    strict: bool = False
    # The partner's GDAP relationships as Graph lists them (`delegatedAdminRelationship`).
    gdap_relationships: list[GdapRelationship] = field(default_factory=list)
    # What happened: Partner Center calls, and token requests (their form fields
    # without secrets: grant_type, scope, and which refresh token it was).
    calls: list[Recorded] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    # On demand, for the next Partner Center calls: statuses to answer (5xx), 429s with
    # these Retry-After values (None: no header); or always this status.
    fail_next: list[int] = field(default_factory=list)
    throttle: list[str | None] = field(default_factory=list)
    always_fail: int | None = None
    reject_tokens: bool = False
    # A Partner Center misbehaving: bodies answered as they are (200, JSON's content
    # type) to the next calls to a path, say "/v1/customers"; a customer list whose
    # last page links back to its second one.
    answers: dict[str, list[bytes]] = field(default_factory=dict)
    cycle: bool = False
    # Where `POST /stand-in/notifications` delivers what it signs (a partner's
    # `/webhooks/partner-center/<tenant>/<key>`), and what the receiver answered each time.
    notification_url: str | None = None
    hold: bool = False
    called: asyncio.Event = field(default_factory=asyncio.Event)
    on_call: Callable[[Recorded], None] | None = None
    # Access tokens: their expiry and the scope (audience) they were issued for.
    _access: dict[str, tuple[float, str]] = field(default_factory=dict)
    _refresh: dict[str, int] = field(default_factory=dict)
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self._refresh[self.refresh_token] = 0

    def expire_tokens(self) -> None:
        """Every access token issued so far is refused from now on (401)."""
        self._access.clear()

    def release(self) -> None:
        self._released.set()

    def customer(self, tenant_id: str) -> Customer | None:
        known = self.customers.get(tenant_id)
        if known is None and not self.strict:
            known = self.customers[tenant_id] = Customer(tenant_id)
        return known

    def settings(self, settings: Settings, url: str, ca_file: Path | str) -> Settings:
        """`settings` pointed at this stand-in (its API, authority and credentials)."""
        return settings.model_copy(
            update={
                "partner_center_url": url,
                "partner_center_authority_url": url,
                "partner_center_client_id": self.client_id,
                "partner_center_client_secret": self.client_secret,
                "partner_center_refresh_token": self.refresh_token,
                "partner_center_tenant_id": uuid.UUID(self.tenant_id),
                "partner_center_ca_file": str(ca_file),
                "graph_url": f"{url}{GRAPH_PATH}",
                # Its signed notifications, too (POST /stand-in/notifications).
                "partner_center_notification_certificate_urls": [f"{url}/cert/"],
                "partner_center_notification_ca_file": str(ca_file),
            }
        )

    # -- Entra ID ------------------------------------------------------------------

    def issue(self, client_id: str, scope: str) -> dict[str, Any]:
        access = secrets.token_urlsafe(32)
        self._access[access] = (time.time() + self.access_token_seconds, scope)
        refresh = secrets.token_urlsafe(32)
        self._refresh[refresh] = len(self._refresh)
        user = str(uuid.uuid5(uuid.UUID(self.tenant_id), "admin"))
        now = int(time.time())
        id_token = jwt.encode(
            {
                "iss": f"https://login.microsoftonline.com/{self.tenant_id}/v2.0",
                "aud": client_id,
                "sub": user,
                "oid": user,
                "tid": self.tenant_id,
                "preferred_username": "admin@partner.onmicrosoft.com",
                "iat": now,
                "nbf": now,
                "exp": now + self.access_token_seconds,
            },
            # MSAL reads an ID token's claims without checking its signature.
            "partner-center-stand-in-id-token-key",
            algorithm="HS256",
        )
        client_info = json.dumps({"uid": user, "utid": self.tenant_id}).encode()
        return {
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": self.access_token_seconds,
            "ext_expires_in": self.access_token_seconds,
            "access_token": access,
            "refresh_token": refresh,
            "id_token": id_token,
            "client_info": base64.urlsafe_b64encode(client_info).decode().rstrip("="),
        }

    def authorized(self, header: str | None, scope: str = SCOPE) -> bool:
        if self.reject_tokens or not header or not header.startswith("Bearer "):
            return False
        expiry, audience = self._access.get(header.removeprefix("Bearer "), (0.0, ""))
        return audience == scope and expiry > time.time()


def _oauth_error(error: str, description: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status)


def _pc_error(status: int, code: str, description: str) -> JSONResponse:
    return JSONResponse({"code": code, "description": description, "source": "PartnerFD"}, status)


def notification_body(event: str, resource_uri: str, **extra: Any) -> bytes:
    """A notification as Partner Center writes one."""
    return json.dumps(
        {
            "EventName": event,
            "ResourceUri": resource_uri,
            "ResourceName": extra.pop("resource_name", "Customer"),
            "AuditUri": None,
            "ResourceChangeUtcDate": extra.pop("changed_at", dt.datetime.now(dt.UTC)).isoformat(),
            **extra,
        },
        indent=4,
    ).encode()


def signed_headers(body: bytes, signer: Signer, certificate_url: str) -> dict[str, str]:
    """The headers Partner Center signs a notification with."""
    return {
        "Content-Type": "application/json",
        "Authorization": f"Signature {signer.sign(body)}",
        "X-MS-Certificate-Url": certificate_url,
        "X-MS-Signature-Algorithm": "rsa-sha256",
    }


def app(state: PartnerCenterState, signer: Signer) -> Starlette:
    async def openid_configuration(request: Request) -> Response:
        tenant = request.path_params["tenant"]
        if tenant != state.tenant_id:
            return _oauth_error("invalid_tenant", f"Tenant '{tenant}' not found.")
        base = f"{str(request.base_url).rstrip('/')}/{tenant}"
        return JSONResponse(
            {
                "issuer": f"{base}/v2.0",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                "jwks_uri": f"{base}/discovery/v2.0/keys",
                "response_types_supported": ["code", "id_token", "code id_token"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "tenant_region_scope": "EU",
            }
        )

    async def token(request: Request) -> Response:
        form = await request.form()
        fields = {key: str(value) for key, value in form.items()}
        presented = fields.get("refresh_token", "")
        state.token_requests.append(
            {
                "grant_type": fields.get("grant_type", ""),
                "scope": fields.get("scope", ""),
                # Which refresh token: 0 the configured one, n the n-th issued.
                "refresh_token": str(state._refresh.get(presented, "unknown")),
            }
        )
        if request.path_params["tenant"] != state.tenant_id:
            return _oauth_error("invalid_request", "AADSTS90002: Tenant not found.")
        if (
            fields.get("client_id") != state.client_id
            or fields.get("client_secret") != state.client_secret
        ):
            return _oauth_error("invalid_client", "AADSTS7000215: Invalid client secret.", 401)
        if fields.get("grant_type") != "refresh_token":
            return _oauth_error("unsupported_grant_type", "Only refresh_token here.")
        if presented not in state._refresh:
            return _oauth_error("invalid_grant", "AADSTS70000: The refresh token is invalid.")
        scopes = fields.get("scope", "").split()
        scope = next((s for s in (SCOPE, GRAPH_SCOPE) if s in scopes), None)
        if scope is None:
            return _oauth_error("invalid_scope", f"AADSTS70011: {SCOPE} was not requested.")
        return JSONResponse(state.issue(fields["client_id"], scope))

    async def partner_center(request: Request) -> Response:
        body: Any = None
        raw = await request.body()
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode(errors="replace")
        recorded = Recorded(
            method=request.method,
            path=request.url.path,
            headers={key.lower(): value for key, value in request.headers.items()},
            body=body,
        )
        state.calls.append(recorded)
        response = await _answer(request, body)
        recorded.status = response.status_code
        if state.on_call is not None:
            state.on_call(recorded)
        return response

    async def _answer(request: Request, body: Any) -> Response:
        graph = request.url.path.startswith(GRAPH_PATH)
        scope = GRAPH_SCOPE if graph else SCOPE
        if not state.authorized(request.headers.get("authorization"), scope):
            return Response(
                status_code=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
            )
        state.called.set()
        if state.hold:
            await state._released.wait()  # never answers while the caller waits
            return _pc_error(503, "503", "The stand-in stopped.")
        if state.throttle:
            retry_after = state.throttle.pop(0)
            headers = {"Retry-After": retry_after} if retry_after is not None else {}
            return JSONResponse(
                {"code": "429", "description": "Rate limit is exceeded.", "source": "PartnerFD"},
                429,
                headers=headers,
            )
        if state.fail_next or state.always_fail:
            status = state.fail_next.pop(0) if state.fail_next else state.always_fail
            assert status is not None
            return _pc_error(status, str(status), "The service is unavailable.")
        if state.answers.get(request.url.path):
            return Response(state.answers[request.url.path].pop(0), media_type="application/json")
        if graph and "relationship" in request.path_params:
            return _gdap_relationship(request.path_params["relationship"])
        if graph:
            return _gdap(request)
        if request.method == "PATCH":
            return _patch(request.path_params["customer"], body)
        if request.url.path.endswith("/profiles/billing"):
            return _billing_profile(request.path_params["customer"])
        if "customer" in request.path_params:
            return _get(request.path_params["customer"])
        return _list(request)

    def _get(tenant_id: str) -> Response:
        customer = state.customers.get(tenant_id)
        if customer is None or customer.relationship_to_partner == "none":
            return _pc_error(404, "600008", "The customer was not found.")
        return JSONResponse(customer.resource())

    def _billing_profile(tenant_id: str) -> Response:
        customer = state.customers.get(tenant_id)
        if customer is not None and customer.billing_profile_failure is not None:
            status = customer.billing_profile_failure
            return _pc_error(status, "900000", "The billing profile could not be read.")
        if customer is None or customer.billing_profile is None:
            return _pc_error(404, "600008", "The billing profile was not found.")
        return JSONResponse(
            {**customer.billing_profile, "attributes": {"objectType": "CustomerBillingProfile"}}
        )

    def _patch(tenant_id: str, body: Any) -> Response:
        fields = {str(k).lower(): v for k, v in body.items()} if isinstance(body, dict) else {}
        attributes = fields.get("attributes")
        if not isinstance(attributes, dict) or attributes.get("objectType") != "Customer":
            return _pc_error(400, "900", "A Customer resource is required.")
        customer = state.customer(tenant_id)
        if customer is None:
            return _pc_error(404, "600008", "The customer was not found.")
        if customer.relationship_to_partner == "none":
            return _pc_error(
                400, "3000", "The relationship between the partner and customer does not exist"
            )
        if fields.get("relationshiptopartner") == "none":
            # Ending the relationship ends DAP with it.
            customer.relationship_to_partner = "none"
            customer.allow_delegated_access = False
        elif fields.get("allowdelegatedaccess") is False:
            customer.allow_delegated_access = False
        else:
            return _pc_error(400, "900", "Nothing this stand-in can change.")
        return JSONResponse(customer.resource())

    def _gdap_relationship(graph_id: str) -> Response:
        found = next((r for r in state.gdap_relationships if r.id == graph_id), None)
        if found is None:
            return JSONResponse(
                {"error": {"code": "NotFound", "message": "The relationship was not found."}},
                404,
            )
        return JSONResponse(found.resource())

    def _gdap(request: Request) -> Response:
        """Graph's paging: `$top`, then `@odata.nextLink` carrying a `$skiptoken`."""
        top = max(1, min(int(request.query_params.get("$top", "300")), 300))
        offset = int(request.query_params.get("$skiptoken", "0") or 0)
        page = state.gdap_relationships[offset : offset + top]
        answer: dict[str, Any] = {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#tenantRelationships"
            "/delegatedAdminRelationships",
            "value": [relationship.resource() for relationship in page],
        }
        if offset + top < len(state.gdap_relationships):
            answer["@odata.nextLink"] = str(
                request.url.include_query_params(**{"$top": top, "$skiptoken": offset + top})
            )
        return JSONResponse(answer)

    def _list(request: Request) -> Response:
        size = max(1, min(int(request.query_params.get("size", "500")), 500))
        offset = 0
        if request.query_params.get("seekOperation", "").lower() == "next":
            token = request.headers.get("ms-continuationtoken", "")
            try:
                offset = int(base64.urlsafe_b64decode(token.encode()).decode())
            except ValueError:
                return _pc_error(400, "900", "The continuation token is invalid.")
        listed = sorted(
            (c for c in state.customers.values() if c.relationship_to_partner != "none"),
            key=lambda c: c.tenant_id,
        )
        page = listed[offset : offset + size]
        links: dict[str, Any] = {
            "self": {"uri": f"/customers?size={size}", "method": "GET", "headers": []}
        }
        last = offset + size >= len(listed)
        if not last or (state.cycle and len(listed) > size):
            following = base64.urlsafe_b64encode(str(size if last else offset + size).encode())
            links["next"] = {
                "uri": f"/customers?size={size}&seekOperation=Next",
                "method": "GET",
                "headers": [{"key": "MS-ContinuationToken", "value": following.decode()}],
            }
        return JSONResponse(
            {
                "totalCount": len(page),
                "items": [customer.resource() for customer in page],
                "links": links,
                "attributes": {"objectType": "Collection"},
            }
        )

    async def certificate(request: Request) -> Response:
        return Response(signer.certificate.public_bytes(serialization.Encoding.DER))

    async def notify(request: Request) -> Response:
        """Signs and delivers a notification, as Partner Center would on an event:
        `{"eventName": …, "resourceUri": …}`; answers what the receiver answered."""
        try:
            asked = json.loads(await request.body())
            event, resource_uri = str(asked["eventName"]), str(asked["resourceUri"])
        except (ValueError, KeyError, TypeError):
            return _pc_error(400, "900", 'Send {"eventName": …, "resourceUri": …}.')
        if state.notification_url is None:
            return _pc_error(409, "900", "No receiver: notification_url is not set.")
        body = notification_body(event, resource_uri)
        certificate_url = f"{request.base_url}".rstrip("/") + CERTIFICATE_PATH
        async with httpx.AsyncClient(timeout=30) as http:
            answer = await http.post(
                state.notification_url,
                content=body,
                headers=signed_headers(body, signer, certificate_url),
            )
        return Response(
            answer.content, answer.status_code, media_type=answer.headers.get("content-type")
        )

    return Starlette(
        routes=[
            Route(CERTIFICATE_PATH, certificate),
            Route("/stand-in/notifications", notify, methods=["POST"]),
            Route("/{tenant}/v2.0/.well-known/openid-configuration", openid_configuration),
            Route("/{tenant}/oauth2/v2.0/token", token, methods=["POST"]),
            Route("/v1/customers/{customer}", partner_center, methods=["GET", "PATCH"]),
            Route("/v1/customers/{customer}/profiles/billing", partner_center, methods=["GET"]),
            Route("/v1/customers", partner_center, methods=["GET"]),
            Route(
                f"{GRAPH_PATH}/tenantRelationships/delegatedAdminRelationships",
                partner_center,
                methods=["GET"],
            ),
            Route(
                f"{GRAPH_PATH}/tenantRelationships/delegatedAdminRelationships/{{relationship}}",
                partner_center,
                methods=["GET"],
            ),
        ]
    )


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # signals are the owner's: it stops this server


@dataclass
class Running:
    url: str
    ca_file: Path
    state: PartnerCenterState

    def settings(self, settings: Settings) -> Settings:
        return self.state.settings(settings, self.url, self.ca_file)


@contextlib.asynccontextmanager
async def running(
    state: PartnerCenterState | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    directory: Path | None = None,
    files: Certificates | None = None,
) -> AsyncIterator[Running]:
    """The stand-in served over HTTPS in this event loop (port 0: a free one), with
    `files` (else certificates made anew in `directory`, else in a temporary one)."""
    state = state or PartnerCenterState()
    with contextlib.ExitStack() as stack:
        if files is None:
            if directory is None:
                directory = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            files = certificates(directory)
        server = _Server(
            uvicorn.Config(
                app(state, files.signer()),
                host=host,
                port=port,
                lifespan="off",
                # No access_log=False: uvicorn applies it to the process-wide access
                # logger, silencing the API's too when both run in one process.
                log_config=None,
                ssl_certfile=str(files.cert_file),
                ssl_keyfile=str(files.key_file),
            )
        )
        task = asyncio.create_task(server.serve())
        bound = await until_started(server, task, START_TIMEOUT_SECONDS)
        try:
            yield Running(f"https://127.0.0.1:{bound}", files.ca_file, state)
        finally:
            state.release()  # held answers end, so the server can stop
            server.should_exit = True
            # Without waiting for clients that keep a connection open (a TLS one would
            # hold the shutdown for 30 s): they are the owner's to close.
            server.force_exit = True
            await task
