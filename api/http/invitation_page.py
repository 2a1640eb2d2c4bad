"""`GET /invitations/<token>`: the page the link in the email opens.

The server renders who invites and what accepting grants (so the page works without
JavaScript and answers 404 for an unknown link); the dashboard's script then takes
over in its "customer" mode, in the reader's language, with sign-in and the accept
button, talking only to the public GraphQL API.
"""

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from api.http.dashboard import security_headers
from api.invitations.acceptance import preview
from api.invitations.models import OPEN_STATUSES, InvitationStatus
from api.invitations.status import effective_status

_pages = Environment(
    loader=PackageLoader("api.http", "templates"), autoescape=select_autoescape(["html"])
)

_CLOSED_MESSAGES = {
    InvitationStatus.ACCEPTED: "This invitation has already been accepted.",
    InvitationStatus.CANCELLED: "This invitation was cancelled by the partner.",
    InvitationStatus.EXPIRED: "This invitation has expired. Ask the partner for a new one.",
    InvitationStatus.FAILED: "This invitation is no longer valid. Ask the partner for a new one.",
}


def _headers(request: Request) -> dict[str, str]:
    # The url carries the invitation's token: keep it out of referrers and caches.
    return {
        **security_headers(request),
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }


def _static(request: Request, path: str) -> str:
    return request.url_for("static", path=path).path


async def invitation_page(request: Request) -> HTMLResponse:
    token = request.path_params["token"]
    found = await preview(token)
    template = _pages.get_template("invitation.html")
    common: dict[str, Any] = {
        "app_js": _static(request, "app.js"),
        "styles_css": _static(request, "styles.css"),
        "favicon": _static(request, "favicon.svg"),
        "graphql_path": request.url_for("graphql").path,
    }
    if found is None:
        html = template.render(
            title="Invitation not found",
            message="This link is not valid.",
            initial={"found": False},
            **common,
        )
        return HTMLResponse(html, status_code=404, headers=_headers(request))
    invitation, partner, provider = found.invitation, found.partner, found.indirect_provider
    status = effective_status(invitation)
    initial = {
        "found": True,
        "token": token,
        "status": status.value,
        "partnerName": partner.name,
        "partnerId": partner.partner_id,
        "indirectProviderName": provider.name if provider else None,
        "includeDelegatedAdmin": invitation.include_delegated_admin,
        "kind": invitation.kind.value,
        "expiresAt": invitation.expires_at.isoformat(),
    }
    return HTMLResponse(
        template.render(
            title=f"Invitation from {partner.name}",
            partner=partner,
            provider=provider,
            invitation=invitation,
            open=status in OPEN_STATUSES,
            message=_CLOSED_MESSAGES.get(status),
            initial=initial,
            **common,
        ),
        headers=_headers(request),
    )
