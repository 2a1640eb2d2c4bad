"""Who performs an operation.

The GraphQL layer builds an `Actor` from the request's verified token; a worker acts
as `Actor.system(partner)`. Operations take it as a plain value and never look at
the request.
"""

from dataclasses import dataclass, field
from uuid import UUID

from api.errors import Forbidden
from api.partners.models import Partner

SYSTEM_USER = "partner-connect-worker"  # the audit log's actor for what workers do


@dataclass(frozen=True)
class Actor:
    user_id: str
    tenant_id: UUID
    roles: frozenset[str] = field(default_factory=frozenset)
    # The partner the actor's tenant is; None for a customer-side principal.
    partner: Partner | None = None

    @classmethod
    def system(cls, partner: Partner) -> "Actor":
        """The service itself, acting within a partner's tenant (jobs, sync)."""
        return cls(user_id=SYSTEM_USER, tenant_id=partner.tenant_id, partner=partner)

    @property
    def acting_partner(self) -> Partner:
        """The actor's partner, for operations only a partner's user may perform."""
        if self.partner is None:
            raise Forbidden("This needs a user of a partner.")
        return self.partner
