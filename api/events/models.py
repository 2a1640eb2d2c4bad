"""The events subscriptions receive, declared once: producers build these, the
outbox and Redis carry them as JSON, subscriptions read them back typed."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic.alias_generators import to_camel


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, alias_generator=to_camel, populate_by_name=True)


class InvitationAccepted(_Event):
    type: Literal["INVITATION_ACCEPTED"] = "INVITATION_ACCEPTED"
    invitation_id: UUID
    customer_tenant_id: UUID
    accepted_at: datetime


class InvitationUpdated(_Event):
    """Any change of an invitation; subscribers read its current state."""

    type: Literal["INVITATION_UPDATED"] = "INVITATION_UPDATED"
    invitation_id: UUID


class RelationshipChange(StrEnum):
    ESTABLISHED = "ESTABLISHED"
    REMOVED = "REMOVED"
    DELEGATED_ADMIN_REVOKED = "DELEGATED_ADMIN_REVOKED"
    REMOVAL_FAILED = "REMOVAL_FAILED"


class RelationshipChanged(_Event):
    type: Literal["RELATIONSHIP"] = "RELATIONSHIP"
    kind: RelationshipChange
    customer_tenant_id: UUID
    occurred_at: datetime
    removal_id: UUID | None = None
    # The removal as of this event (a subscriber may read it after later changes):
    # absent from events written before they were added.
    removal_status: str | None = None
    delegated_admin_revoked: bool | None = None
    completed_at: datetime | None = None


AnyEvent = InvitationAccepted | InvitationUpdated | RelationshipChanged
Event = Annotated[AnyEvent, Field(discriminator="type")]
EVENT: TypeAdapter[Event] = TypeAdapter(Event)


def encode(event: Event) -> str:
    return EVENT.dump_json(event, by_alias=True).decode()


def decode(data: str | bytes) -> Event:
    return EVENT.validate_json(data)
