"""What the invitation state machine tells subscribers."""

from api.events import publishing
from api.events.models import InvitationUpdated
from api.invitations.models import Invitation
from api.invitations.queries import parties


async def announce(invitation: Invitation) -> None:
    """Tell dashboards (`invitationUpdated`) once the current transaction commits."""
    await publishing.after_commit(
        parties(invitation), InvitationUpdated(invitation_id=invitation.id)
    )
