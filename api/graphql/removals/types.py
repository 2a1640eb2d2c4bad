from datetime import datetime
from typing import Any, ClassVar

import strawberry
from strawberry import relay
from tortoise.queryset import QuerySet

from api.graphql.context import Info
from api.graphql.customers.types import GdapRelationshipNode, load_gdap_relationships
from api.graphql.node import ScopedNode
from api.graphql.permissions import guard
from api.partners.models import Partner
from api.permissions import Capability
from api.removals import models
from api.removals.attestation import LEGAL_NOTICE
from api.removals.removal import removals_of

RemovalStatus = models.RemovalStatus
strawberry.enum(models.RemovalStatus)
RemovalErrorCode = models.RemovalErrorCode
strawberry.enum(models.RemovalErrorCode)


@strawberry.type
class RemovalError:
    """Why a removal failed: `code` for a client to word in its language, `message` in
    English."""

    code: RemovalErrorCode
    message: str


Removal = strawberry.Parent[models.RelationshipRemoval]


def _customer_tenant_id(row: Removal) -> str:
    return str(row.customer_tenant_id)


@strawberry.type(name="RelationshipRemoval")
class RelationshipRemovalNode(ScopedNode):
    row_type = models.RelationshipRemoval
    node_capability: ClassVar[Capability] = Capability.MANAGE_REMOVALS
    id: relay.NodeID[str]
    customer_tenant_id: str = strawberry.field(resolver=_customer_tenant_id)
    customer_name: str
    status: RemovalStatus
    reason: str | None
    attestation_version: str | None = strawberry.field(
        description="The version of the attestation the partner accepted."
    )
    attestation_language: str | None = strawberry.field(
        description="The language of the attestation text the partner accepted; null for "
        "a text the operator set."
    )
    requested_by: str
    requested_at: datetime
    completed_at: datetime | None
    delegated_admin_revoked: bool = strawberry.field(
        description="True once the worker has revoked the partner's delegated admin privileges."
    )

    @strawberry.field(
        description="Reminder that no notice was sent to the customer and that a contract "
        "may require one."
    )
    def legal_notice(self) -> str:
        return LEGAL_NOTICE

    @strawberry.field(description="Why the removal failed; null unless it is FAILED.")
    def error(self, row: Removal) -> RemovalError | None:
        if row.status is not RemovalStatus.FAILED or row.error_code is None:
            return None
        return RemovalError(code=row.error_code, message=models.ERROR_MESSAGES[row.error_code])

    @classmethod
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        return removals_of(partner)

    @strawberry.field(
        **guard(
            Capability.VIEW_ADMIN_RELATIONSHIPS,
            "GDAP relationships with this customer; removal leaves them in place. {roles}.",
        )
    )
    async def gdap_relationships_retained(
        self, info: Info, row: Removal
    ) -> list[GdapRelationshipNode] | None:
        return await load_gdap_relationships(info, (row.partner_id, row.customer_id))
