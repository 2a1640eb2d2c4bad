"""Finding invitations: the ones a partner may see, by token, by id."""

import re
from uuid import UUID

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from api.customers.models import Customer
from api.db.keyset import Ordering, newest_first
from api.errors import not_found
from api.invitations import tokens
from api.invitations.models import Invitation
from api.partners.models import Partner

NEWEST_FIRST: Ordering[Invitation] = newest_first("invitations", "created_at")
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def visible_invitations(partner: Partner) -> QuerySet[Invitation]:
    """Invitations the partner sent, and those naming it as the indirect provider."""
    return Invitation.filter(Q(partner_id=partner.id) | Q(indirect_provider_id=partner.id))


async def find_by_token(token: str) -> Invitation | None:
    if not _TOKEN_SHAPE.match(token):
        return None
    return await Invitation.get_or_none(token_hash=tokens.digest(token))


async def own_invitation(partner: Partner, invitation_id: UUID) -> Invitation:
    """An invitation the partner sent (a named provider sees it, but may not act on it)."""
    invitation = await Invitation.get_or_none(id=invitation_id, partner_id=partner.id)
    if invitation is None:
        raise not_found(["invitation_id"], "No such invitation.")
    return invitation


def parties(invitation: Invitation) -> list[UUID]:
    """The partners an invitation concerns: the inviter and the named provider."""
    return [p for p in (invitation.partner_id, invitation.indirect_provider_id) if p is not None]


async def customer_tenant(invitation: Invitation) -> UUID | None:
    """The tenant of the invited (or, once accepted, created) customer."""
    if invitation.customer_id is None:
        return None
    customer = await Customer.get_or_none(id=invitation.customer_id)
    return customer.tenant_id if customer else None
