"""Delegated admin privileges (DAP): ACTIVE when granted, REVOKING once a removal asks
for it, REVOKED when Partner Center has taken it away. Every grant is a row of its
own, so history stays and a re-grant is never confused with the grant it follows."""

from datetime import datetime
from uuid import UUID

from api.relationships.models import DelegatedAdminGrant, DelegatedAdminStatus


async def grant(partner_id: UUID, customer_id: UUID, *, at: datetime) -> DelegatedAdminGrant:
    """DAP for the partner over the customer, unless an active grant already exists."""
    latest = (
        await DelegatedAdminGrant.filter(partner_id=partner_id, customer_id=customer_id)
        .order_by("-granted_at")
        .first()
    )
    if latest is not None and latest.status is DelegatedAdminStatus.ACTIVE:
        return latest
    return await DelegatedAdminGrant.create(
        partner_id=partner_id,
        customer_id=customer_id,
        status=DelegatedAdminStatus.ACTIVE,
        granted_at=at,
    )


async def start_revoking(partner_id: UUID, customer_id: UUID) -> DelegatedAdminGrant | None:
    """The active grant, now REVOKING (locked until the transaction ends), if any."""
    active = (
        await DelegatedAdminGrant.filter(
            partner_id=partner_id, customer_id=customer_id, status=DelegatedAdminStatus.ACTIVE
        )
        .select_for_update()
        .order_by("-granted_at")
        .first()
    )
    if active is not None:
        active.status = DelegatedAdminStatus.REVOKING
        await active.save()
    return active


async def is_active(partner_id: UUID, customer_id: UUID) -> bool:
    """Whether the partner holds active DAP over the customer (say, granted again
    by an acceptance after a removal asked for the old grant to be revoked)."""
    return await DelegatedAdminGrant.filter(
        partner_id=partner_id, customer_id=customer_id, status=DelegatedAdminStatus.ACTIVE
    ).exists()


async def finish_revoking(grant_id: UUID, *, at: datetime) -> None:
    await DelegatedAdminGrant.filter(id=grant_id, status=DelegatedAdminStatus.REVOKING).update(
        status=DelegatedAdminStatus.REVOKED, revoked_at=at
    )
