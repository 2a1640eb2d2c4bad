"""`GET /invitations/<token>`: the page the link in the email opens."""

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from api.invitations import service
from api.invitations.models import OPEN_STATUSES, InvitationStatus

_pages = Environment(
    loader=PackageLoader("api.invitations", "templates"), autoescape=select_autoescape(["html"])
)

_CLOSED_MESSAGES = {
    InvitationStatus.ACCEPTED: "This invitation has already been accepted.",
    InvitationStatus.CANCELLED: "This invitation was cancelled by the partner.",
    InvitationStatus.EXPIRED: "This invitation has expired. Ask the partner for a new one.",
    InvitationStatus.FAILED: "This invitation is no longer valid. Ask the partner for a new one.",
}


async def invitation_page(request: Request) -> HTMLResponse:
    token = request.path_params["token"]
    found = await service.preview(token)
    template = _pages.get_template("page.html")
    if found is None:
        html = template.render(title="Invitation not found", message="This link is not valid.")
        return HTMLResponse(html, status_code=404)
    invitation, partner, provider = found
    status = service.effective_status(invitation)
    return HTMLResponse(
        template.render(
            title=f"Invitation from {partner.name}",
            partner=partner,
            provider=provider,
            invitation=invitation,
            open=status in OPEN_STATUSES,
            message=_CLOSED_MESSAGES.get(status),
            token=token,
            graphql_url=str(request.url_for("graphql")),
        )
    )
