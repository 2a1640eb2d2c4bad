"""The customer sync with Partner Center, asked for and followed: `customerSync` (what
the last sync did, whether one is pending) and `syncCustomers` (queue one)."""

from datetime import datetime

import strawberry

from api.graphql.context import Info
from api.graphql.errors import UserError
from api.graphql.mutations import mutation
from api.graphql.permissions import guard
from api.permissions import Capability
from api.relationships import sync_requests


@strawberry.type(description="The customer list's sync with Partner Center.")
class CustomerSync:
    available: bool = strawberry.field(
        description="Partner Center is connected for the viewer's partner: it can be synced."
    )
    pending: bool = strawberry.field(description="A sync was asked for and has not ended yet.")
    last_synced_at: datetime | None = strawberry.field(
        description="When the last sync ended; null before the first."
    )
    created: int | None = strawberry.field(description="Customers the last sync brought in.")
    updated: int | None
    unchanged: int | None
    failed: int | None = strawberry.field(
        description="Customers Partner Center listed that did not read (skipped)."
    )
    flagged: int | None = strawberry.field(
        description="Reseller relationships the last sync flagged for review."
    )

    @classmethod
    def of(cls, state: sync_requests.SyncState) -> "CustomerSync":
        counts = state.counts.as_dict() if state.counts is not None else {}
        return cls(
            available=state.available,
            pending=state.pending,
            last_synced_at=state.synced_at,
            created=counts.get("created"),
            updated=counts.get("updated"),
            unchanged=counts.get("unchanged"),
            failed=counts.get("failed"),
            flagged=counts.get("flagged"),
        )


@strawberry.type
class SyncCustomersPayload:
    customer_sync: CustomerSync | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CustomerSyncQueries:
    @strawberry.field(
        **guard(
            Capability.VIEW_CUSTOMERS,
            "The customer list's sync with Partner Center: the last one, and whether one "
            "is pending. {roles}.",
        )
    )
    async def customer_sync(self, info: Info) -> CustomerSync | None:
        settings = info.context.services.settings
        return CustomerSync.of(await sync_requests.state(settings, info.context.viewer_partner))


@strawberry.type
class CustomerSyncMutations:
    @mutation(
        Capability.SYNC_CUSTOMERS,
        description="Sync the customer list with Partner Center now (the worker also does "
        "every hour): queued, unless a sync is pending already. {roles}.",
    )
    async def sync_customers(self, info: Info) -> SyncCustomersPayload:
        state = await sync_requests.request(info.context.viewer, info.context.services.settings)
        return SyncCustomersPayload(customer_sync=CustomerSync.of(state))
