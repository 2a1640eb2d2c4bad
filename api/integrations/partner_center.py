"""Microsoft Partner Center, in its documented REST shapes.

`PartnerCenterClient` acts as the one partner account of the settings (App+User:
an Entra ID app and a refresh token of one of that partner's users, for the
partner's tenant `PARTNER_CENTER_TENANT_ID`). Its access tokens come from MSAL —
the refresh-token grant once, then MSAL's token cache (`acquire_token_silent`),
which renews a token shortly before it expires with the refresh token Entra ID
rotated. MSAL is synchronous: it runs in a thread. A 401 from Partner Center
makes the client force a new token and send that call once more.

Every call carries `MS-CorrelationId` (one per logical operation: the caller's,
say the removal's id, so every call of it and every retry can be found together)
and `MS-RequestId` (one per logical call, the same on every retry of that call —
after a timeout, a 5xx or a 429 — and new for any new request, even of the same
resource: Partner Center's docs reset it once an answer came, success or business
failure). A 429 raises
`RetryLater` with its `Retry-After`; 5xx answers, timeouts and refused
connections raise `PartnerCenterError`: the job retries either, no loop here. The
sync's reads instead wait a 429 out (its Retry-After, bounded by
`PARTNER_CENTER_SYNC_MAX_WAIT_SECONDS`) and go on.

An answer is read at most `MAX_ANSWER_BYTES` far, and one that is not what the docs
describe (not JSON, not an object, a next link without an address or with a token
that cannot be sent, a list that comes back to where it was) ends in a
`PartnerCenterError` that says what Partner Center answered, never a traceback.

Without `PARTNER_CENTER_URL` (and its credentials; settings refuse half of
them) there is no client, and removals are only recorded (`configured`).
"""

import asyncio
import functools
import itertools
import json
import logging
import ssl
import threading
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from uuid import UUID, uuid5

import httpx
import msal
import requests

from api.jobs import RetryLater
from api.settings import Settings

logger = logging.getLogger("api.integrations.partner_center")

RESOURCE = "https://api.partnercenter.microsoft.com"
SCOPES = [f"{RESOURCE}/.default"]
# Graph's GDAP relationships: read with a token for Graph, from the same refresh token.
GRAPH_SCOPES = ["https://graph.microsoft.com/.default"]
TIMEOUT_SECONDS = 30
# A 429's Retry-After is honoured within these bounds; without one, the default.
RETRY_AFTER_DEFAULT_SECONDS = 30.0
RETRY_AFTER_MIN_SECONDS = 1.0
RETRY_AFTER_MAX_SECONDS = 600.0
# Partner Center's error code for "the relationship between the partner and
# customer does not exist": for a removal, that is done already.
NO_RELATIONSHIP_CODE = "3000"
RECORD_ONLY = "record only"
# What one answer may hold: a page of 500 customers is some 350 KB.
MAX_ANSWER_BYTES = 4 * 1024 * 1024
# A list of more customers is taken for a Partner Center that lost its place.
MAX_LISTED = 1_000_000
CONTINUATION_HEADER = "ms-continuationtoken"
MAX_TOKEN_LENGTH = 4096
# A sync's read throttled this many times in a row ends the sync.
THROTTLED_TRIES = 5
# Headers about the body as it came over the wire, not as it was read.
_WIRE_HEADERS = {"content-encoding", "content-length", "transfer-encoding"}


class PartnerCenterError(Exception):
    """A call that did not get its answer (5xx, timeout, refused, a token refused, an
    answer that does not read): the job retries it. Or, not `retryable`, a business
    error: Partner Center understood and refused (a 4xx other than 401, 408 and 429),
    and asking again would be refused again."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class Throttled(PartnerCenterError):
    """Partner Center kept answering 429 to a sync's read: asking more now is no use."""


def mode(settings: Settings) -> str:
    """What `/readyz` says of the integration (it never calls Microsoft)."""
    return "configured" if settings.partner_center_configured else RECORD_ONLY


def log_mode(settings: Settings, process: str) -> None:
    """One line at start-up saying whether removals reach Partner Center."""
    if settings.partner_center_configured:
        logger.info(
            "%s: Partner Center configured at %s for partner tenant %s",
            process,
            settings.partner_center_url,
            settings.partner_center_tenant_id,
        )
    else:
        logger.warning(
            "%s: PARTNER_CENTER_URL unset: relationship removals and DAP revocations are "
            "only recorded, not sent to Partner Center",
            process,
        )


def request_id(scope: UUID, call: str) -> UUID:
    """The `MS-RequestId` of one logical call: the same for every retry of it."""
    return uuid5(scope, call)


def retry_after_seconds(value: str | None) -> float:
    """A Retry-After header (seconds, or an HTTP date), bounded."""
    seconds = RETRY_AFTER_DEFAULT_SECONDS
    if value:
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
            except (TypeError, ValueError):
                seconds = RETRY_AFTER_DEFAULT_SECONDS
    return min(max(seconds, RETRY_AFTER_MIN_SECONDS), RETRY_AFTER_MAX_SECONDS)


def _trusting(ca_file: str | None) -> requests.Session | None:
    """MSAL's transport (its `http_client`) trusting `ca_file`, or None for MSAL's own.
    MSAL's `verify=` alone is not enough: requests lets REQUESTS_CA_BUNDLE in the
    environment override a session's CA file."""
    if not ca_file:
        return None
    session = requests.Session()
    session.verify = ca_file
    session.trust_env = False  # nor proxies from the environment: the stand-in is local
    session.request = functools.partial(session.request, timeout=TIMEOUT_SECONDS)  # type: ignore[method-assign]
    return session


class _Tokens:
    """Access tokens for Partner Center through MSAL, whose calls block: each one
    runs in a thread, one at a time."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._app: msal.ConfidentialClientApplication | None = None

    def _application(self) -> msal.ConfidentialClientApplication:
        if self._app is None:
            settings = self._settings
            # Building it reads the authority's OpenID configuration (a request).
            # instance_discovery=False: the authority is the one configured, not
            # looked up at login.microsoftonline.com (which knows only Microsoft's).
            self._app = msal.ConfidentialClientApplication(
                settings.partner_center_client_id,
                client_credential=settings.partner_center_client_secret,
                authority=f"{settings.partner_center_authority_url}/{settings.partner_center_tenant_id}",
                instance_discovery=False,
                timeout=TIMEOUT_SECONDS,
                http_client=_trusting(settings.partner_center_ca_file),
                token_cache=msal.TokenCache(),
            )
        return self._app

    def _acquire(self, scopes: list[str], force_refresh: bool) -> str:
        with self._lock:
            app = self._application()
            result: dict[str, Any] | None = None
            accounts = app.get_accounts()
            if accounts:
                result = app.acquire_token_silent_with_error(
                    scopes, accounts[0], force_refresh=force_refresh
                )
            if not result or "access_token" not in result:
                # First use, or MSAL could not renew from its cache: the configured
                # refresh token once more.
                result = app.acquire_token_by_refresh_token(
                    self._settings.partner_center_refresh_token, scopes
                )
            if "access_token" not in result:
                raise PartnerCenterError(
                    f"Entra ID refused a token: {result.get('error')}: "
                    f"{str(result.get('error_description', ''))[:200]}"
                )
            return str(result["access_token"])

    def close(self) -> None:
        with self._lock:
            if self._app is not None:
                self._app.http_client.close()  # its pooled connections
                self._app = None

    async def get(self, scopes: list[str], *, force_refresh: bool = False) -> str:
        try:
            return await asyncio.to_thread(self._acquire, scopes, force_refresh)
        except (OSError, ValueError) as error:
            # OSError: requests' errors (MSAL's transport); ValueError: MSAL could not
            # read the authority's configuration.
            raise PartnerCenterError(f"Entra ID unreachable: {error!r}") from error


@dataclass(frozen=True)
class Call:
    """One logical call's identity: its operation and its own request id."""

    correlation_id: UUID
    request_id: UUID


class PartnerCenterClient:
    def __init__(self, settings: Settings, *, timeout: float = TIMEOUT_SECONDS) -> None:
        assert settings.partner_center_url is not None
        self.settings = settings
        self.base_url = settings.partner_center_url
        self.tenant_id = settings.partner_center_tenant_id
        self._tokens = _Tokens(settings)
        ca_file = settings.partner_center_ca_file
        self._http = httpx.AsyncClient(
            timeout=timeout,
            verify=ssl.create_default_context(cafile=ca_file) if ca_file else True,
        )

    async def aclose(self) -> None:
        await self._http.aclose()
        await asyncio.to_thread(self._tokens.close)

    async def request(
        self,
        method: str,
        path: str,
        call: Call,
        *,
        json: object = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        scopes: list[str] = SCOPES,
        base_url: str | None = None,
    ) -> httpx.Response:
        """One call to `path` under Partner Center's API (or under `base_url`, Graph's,
        with its `scopes`), authenticated (once more with a fresh token after a 401).
        A path is always under a base we configured: no answer of Microsoft's can turn
        it into an address elsewhere. Answers below 500 other than 401 and 429 are
        returned for the caller to judge."""
        common = {
            "Accept": "application/json",
            "MS-Contract-Version": "v1",
            "MS-CorrelationId": str(call.correlation_id),
            "MS-RequestId": str(call.request_id),
            **(headers or {}),
        }
        response = None
        for force_refresh in (False, True):
            token = await self._tokens.get(scopes, force_refresh=force_refresh)
            try:
                response = await self._send(
                    self._http.build_request(
                        method,
                        f"{base_url or self.base_url}{path}",
                        json=json,
                        params=params,
                        headers={**common, "Authorization": f"Bearer {token}"},
                    )
                )
            except httpx.TimeoutException as error:
                raise PartnerCenterError(f"{method} {path} timed out") from error
            except (httpx.TransportError, httpx.DecodingError) as error:
                raise PartnerCenterError(f"{method} {path} failed: {error!r}") from error
            if response.status_code != 401:
                break
            logger.info("Partner Center refused the token (401): renewing it once")
        assert response is not None
        if response.status_code == 401:
            raise PartnerCenterError(f"{method} {path}: 401 with a fresh token")
        if response.status_code == 429:
            seconds = retry_after_seconds(response.headers.get("Retry-After"))
            raise RetryLater(f"{method} {path}: 429, retry after {seconds:g} s", seconds=seconds)
        if response.status_code >= 500:
            raise PartnerCenterError(
                f"{method} {path}: Partner Center answered {response.status_code}"
            )
        return response

    async def _send(self, request: httpx.Request) -> httpx.Response:
        """The answer, its body read (decoded) no further than `MAX_ANSWER_BYTES`."""
        response = await self._http.send(request, stream=True)
        content = bytearray()
        try:
            async for chunk in response.aiter_bytes():
                content += chunk
                if len(content) > MAX_ANSWER_BYTES:
                    raise PartnerCenterError(
                        f"{request.method} {request.url.path}: Partner Center answered more "
                        f"than {MAX_ANSWER_BYTES // 2**20} MiB"
                    )
        finally:
            await response.aclose()
        headers = [
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in _WIRE_HEADERS
        ]
        return httpx.Response(
            response.status_code, headers=headers, content=bytes(content), request=request
        )

    async def _read(self, path: str, call: Call, **options: Any) -> httpx.Response:
        """A GET of the sync's: a 429 is waited out (its Retry-After, at most
        PARTNER_CENTER_SYNC_MAX_WAIT_SECONDS) and the same request sent again, up to
        `THROTTLED_TRIES` times."""
        wait = 0.0
        for attempt in range(THROTTLED_TRIES):
            if attempt:
                logger.info("GET %s: throttled (429), asking again in %g s", path, wait)
                await asyncio.sleep(wait)
            try:
                return await self.request("GET", path, call, **options)
            except RetryLater as throttled:
                wait = min(throttled.seconds, self.settings.partner_center_sync_max_wait_seconds)
        raise Throttled(
            f"GET {path}: Partner Center is still throttling (429) after {THROTTLED_TRIES} tries"
        )

    async def _patch_customer(
        self, customer_tenant_id: UUID, body: dict[str, object], call: Call
    ) -> None:
        path = f"/v1/customers/{customer_tenant_id}"
        response = await self.request("PATCH", path, call, json=body)
        if response.is_success:
            return
        # Already gone: the customer is no longer this partner's (404), or Partner
        # Center says the relationship does not exist (code 3000) — removing the
        # relationship removed DAP too.
        if response.status_code == 404 or _error_code(response) == NO_RELATIONSHIP_CODE:
            logger.info("PATCH %s: no relationship left (%s)", path, response.status_code)
            return
        raise PartnerCenterError(
            f"PATCH {path}: Partner Center answered {_refusal(response)}",
            # 401, 429 and 5xx were raised before; a 408 is a timeout, worth another try.
            retryable=not 400 <= response.status_code < 500 or response.status_code == 408,
        )

    async def remove_delegated_admin(self, customer_tenant_id: UUID, call: Call) -> None:
        """Takes the partner's delegated admin privileges (DAP) over the customer
        away (docs: "Remove a delegated admin relationship with a customer")."""
        await self._patch_customer(
            customer_tenant_id,
            {"AllowDelegatedAccess": False, "attributes": {"objectType": "Customer"}},
            call,
        )

    async def remove_reseller_relationship(self, customer_tenant_id: UUID, call: Call) -> None:
        """Ends the reseller relationship (docs: "Remove a reseller relationship with
        a customer"); the customer leaves the partner's list in Partner Center."""
        await self._patch_customer(
            customer_tenant_id,
            {"relationshipToPartner": "none", "attributes": {"objectType": "Customer"}},
            call,
        )

    async def customer(self, customer_tenant_id: UUID, call: Call) -> dict[str, Any] | None:
        """One of the partner's customers (`GET /v1/customers/{id}`: docs "Get a
        customer by ID"); None when it is not the partner's (404)."""
        return await self._get_resource(f"/v1/customers/{customer_tenant_id}", call)

    async def gdap_relationship(self, graph_id: str, call: Call) -> dict[str, Any] | None:
        """One of the partner's GDAP relationships, from Microsoft Graph (`GET
        /tenantRelationships/delegatedAdminRelationships/{id}`); None when Graph knows
        none of the partner's by that id (404)."""
        return await self._get_resource(
            f"/tenantRelationships/delegatedAdminRelationships/{graph_id}",
            call,
            scopes=GRAPH_SCOPES,
            base_url=self.settings.graph_url,
        )

    async def _get_resource(self, path: str, call: Call, **options: Any) -> dict[str, Any] | None:
        return _resource(await self.request("GET", path, call, **options), f"GET {path}")

    async def billing_profile(self, customer_tenant_id: UUID, call: Call) -> dict[str, Any] | None:
        """A customer's billing profile (`GET /v1/customers/{id}/profiles/billing`:
        docs "Get a customer's billing profile"); None when there is none (404)."""
        path = f"/v1/customers/{customer_tenant_id}/profiles/billing"
        return _resource(await self._read(path, call), f"GET {path}")

    async def _page(
        self, path: str, call: Call, what: str, key: str, **options: Any
    ) -> tuple[dict[str, Any], list[Any]]:
        """One page of a list: its body, and its items (under `key`)."""
        response = await self._read(path, call, **options)
        if not response.is_success:
            raise PartnerCenterError(f"{what}: Partner Center answered {_refusal(response)}")
        body = _object(response, what)
        items = body.get(key) or []
        if not isinstance(items, list):
            raise PartnerCenterError(
                f'{what}: Partner Center answered a page whose "{key}" is not a list'
            )
        return body, items

    async def customers(
        self, correlation_id: UUID, *, size: int = 500
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """The partner's customers, page by page: `GET /v1/customers?size=N`, then each
        page's `links.next` (its `uri`, relative to /v1, with the `MS-ContinuationToken`
        header it names) until a page has none. A token given before, or more pages
        than `MAX_LISTED` customers fill, would never end: a `PartnerCenterError`."""
        path = "/v1/customers"
        params: dict[str, str] | None = {"size": str(size)}
        headers: dict[str, str] = {}
        tokens: set[str] = set()
        for page in itertools.count():
            if page * size > MAX_LISTED:
                raise PartnerCenterError(
                    f"GET {path}: Partner Center lists more than {MAX_LISTED:,} customers: "
                    "taken for a list that never ends"
                )
            call = Call(correlation_id, request_id(correlation_id, f"customers:{page}"))
            what = f"GET {path}"
            body, items = await self._page(
                path, call, what, "items", params=params, headers=headers
            )
            if len(items) > size:
                raise PartnerCenterError(
                    f"{what}: Partner Center answered {len(items):,} customers for a page of {size}"
                )
            yield items
            links = body.get("links")
            following = links.get("next") if isinstance(links, dict) else None
            if not following:
                return
            path, token = _next_page(following, what)
            if token in tokens:
                raise PartnerCenterError(
                    f"{what}: Partner Center's next link repeats a continuation token it gave "
                    "before: the list would never end"
                )
            tokens.add(token)
            params = None  # the uri carries its query
            # Only the continuation token: a next link sets no other header of ours.
            headers = {CONTINUATION_HEADER: token}

    async def gdap_relationships(self, correlation_id: UUID) -> AsyncIterator[list[dict[str, Any]]]:
        """The partner's GDAP relationships, page by page, from Microsoft Graph
        (`GET /tenantRelationships/delegatedAdminRelationships`, then each page's
        `@odata.nextLink`). A next link outside the configured Graph is not
        followed: it would carry the token elsewhere."""
        graph = self.settings.graph_url
        path = "/tenantRelationships/delegatedAdminRelationships"
        links: set[str] = set()
        for page in itertools.count():
            call = Call(correlation_id, request_id(correlation_id, f"gdap:{page}"))
            what = f"GET {graph}{path}"
            body, items = await self._page(
                path, call, what, "value", scopes=GRAPH_SCOPES, base_url=graph
            )
            yield items
            following = body.get("@odata.nextLink")
            if not following:
                return
            if not str(following).startswith(f"{graph}/"):
                raise PartnerCenterError(f"Graph's next link leaves {graph}: not followed")
            if following in links:
                raise PartnerCenterError(
                    f"{what}: Graph's next link leads to a page it gave before: the list "
                    "would never end"
                )
            links.add(str(following))
            path = str(following).removeprefix(graph)


def _object(response: httpx.Response, what: str) -> dict[str, Any]:
    """The answer's JSON object, or an error that says what came instead."""
    try:
        body = response.json()
    except ValueError as error:  # not JSON, or not UTF-8
        raise PartnerCenterError(
            f"{what}: Partner Center answered {response.status_code} with a body that is not JSON"
        ) from error
    if not isinstance(body, dict):
        raise PartnerCenterError(
            f"{what}: Partner Center answered {response.status_code} with {_json_kind(body)}, "
            "not an object"
        )
    return body


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "a JSON array"
    if isinstance(value, str):
        return "a JSON string"
    if isinstance(value, bool) or value is None:
        return f"JSON {json.dumps(value)}"
    return "a JSON number"


def _resource(response: httpx.Response, what: str) -> dict[str, Any] | None:
    """A resource Partner Center answered; None when there is none (404)."""
    if response.status_code == 404:
        return None
    if not response.is_success:
        raise PartnerCenterError(f"{what}: Partner Center answered {_refusal(response)}")
    return _object(response, what)


def _refusal(response: httpx.Response) -> str:
    """An answer that is not a success, as its status and Partner Center's error code."""
    return f"{response.status_code} {_error_code(response) or ''}".rstrip()


def _next_page(following: object, what: str) -> tuple[str, str]:
    """Where a page's `links.next` leads (a path under /v1) and its continuation token:
    printable ASCII, as a header value must be."""
    uri = following.get("uri") if isinstance(following, dict) else None
    if not isinstance(uri, str) or not uri.startswith("/"):
        raise PartnerCenterError(f"{what}: Partner Center answered a next link without an address")
    assert isinstance(following, dict)
    headers = following.get("headers")
    tokens = [
        header.get("value")
        for header in (headers if isinstance(headers, list) else [])
        if isinstance(header, dict) and str(header.get("key", "")).lower() == CONTINUATION_HEADER
    ]
    token = tokens[0] if len(tokens) == 1 else None
    if not (
        isinstance(token, str)
        and 0 < len(token) <= MAX_TOKEN_LENGTH
        and token.isascii()
        and token.isprintable()
    ):
        raise PartnerCenterError(
            f"{what}: Partner Center answered a next link without a continuation token that "
            f"can be sent (one, printable ASCII, at most {MAX_TOKEN_LENGTH} characters)"
        )
    return (uri if uri.startswith("/v1/") else f"/v1{uri}"), token


def _error_code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return str(code) if code is not None else None


# One client per process (per event loop: an httpx client belongs to one).
_clients: dict[tuple[object, ...], PartnerCenterClient] = {}


def client(settings: Settings) -> PartnerCenterClient | None:
    """This process's client for these settings; None when not configured."""
    if not settings.partner_center_configured:
        return None
    key = (
        id(asyncio.get_running_loop()),
        settings.partner_center_url,
        settings.partner_center_authority_url,
        settings.partner_center_tenant_id,
        settings.partner_center_client_id,
        settings.partner_center_client_secret,
        settings.partner_center_refresh_token,
        settings.partner_center_ca_file,
    )
    found = _clients.get(key)
    if found is None:
        found = _clients[key] = PartnerCenterClient(settings)
    return found


async def close_clients() -> None:
    loop = id(asyncio.get_running_loop())
    for key in [key for key in _clients if key[0] == loop]:
        await _clients.pop(key).aclose()
