"""An invitation's token and link, derived from the server secret whenever needed
(the database keeps neither; see `tokens.py`)."""

from api.invitations import tokens
from api.invitations.models import Invitation
from api.settings import Settings


def token_of(settings: Settings, invitation: Invitation) -> str:
    secret = settings.token_secret
    assert secret is not None, "create_app refuses to start without a token secret"
    return tokens.derive(secret, invitation.id, invitation.token_salt)


def url_of(settings: Settings, invitation: Invitation) -> str:
    return f"{settings.public_base_url}/invitations/{token_of(settings, invitation)}"
