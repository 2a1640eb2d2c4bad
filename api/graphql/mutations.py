"""The one way to declare a mutation:

    @mutation(Capability.MANAGE_INVITATIONS)
    async def cancel_invitation(self, info: Info, input: CancelInput) -> CancelPayload:
        invitation = await sending.cancel(...)        # one domain operation
        return CancelPayload(invitation=...)

`mutation` guards the field with the capability (and lists the roles holding it in
its description), applies the per-principal rate limits, turns a refusal
(`UserInputError`, or a constraint that caught a concurrent change) into the
payload's `userErrors`, and hands the outbox rows the operation committed to the
queue once it has returned.
"""

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, get_type_hints

import strawberry
from tortoise.exceptions import IntegrityError

from api.db import outbox
from api.db.relay import relay_committed
from api.errors import Forbidden, UserErrorCode, UserInputError, UserInputErrors
from api.graphql import rate_limit
from api.graphql.context import Info
from api.graphql.errors import ErrorCode, UserError, api_error, user_error
from api.graphql.permissions import guard
from api.permissions import Capability

logger = logging.getLogger("api.mutations")


class Payload(Protocol):
    user_errors: list[UserError]


P = TypeVar("P", bound=Payload)
Params = ParamSpec("Params")
Resolver = Callable[Concatenate[Any, Info, Params], Awaitable[P]]

CONFLICT = UserError(
    field=None,
    message="This conflicts with a change made at the same time. Try again.",
    code=UserErrorCode.CONFLICT,
)


def mutation(
    capability: Capability,
    *,
    description: str | None = "{roles}.",
    rate_limits: tuple[rate_limit.Bucket, ...] = (),
) -> Callable[[Resolver[Params, P]], Any]:
    """`rate_limits`: buckets counted besides every mutation's own."""

    def declare(resolver: Resolver[Params, P]) -> Any:
        payload: Callable[..., P] = get_type_hints(resolver)["return"]

        @functools.wraps(resolver)
        async def run(root: Any, info: Info, *args: Params.args, **kwargs: Params.kwargs) -> P:
            services = info.context.services
            with outbox.collecting() as committed:
                try:
                    for bucket in (rate_limit.MUTATIONS, *rate_limits):
                        await rate_limit.check(services, bucket, info.context.viewer)
                    result = await resolver(root, info, *args, **kwargs)
                except UserInputError as error:
                    result = payload(user_errors=[user_error(error)])
                except UserInputErrors as errors:
                    result = payload(user_errors=[user_error(error) for error in errors.errors])
                except IntegrityError as error:
                    # A unique constraint caught a race the checks before it could not see.
                    logger.info("mutation refused by a constraint (raced another): %s", error)
                    result = payload(user_errors=[CONFLICT])
                except Forbidden as error:
                    raise api_error(str(error), ErrorCode.FORBIDDEN) from error
            await relay_committed(services.redis, services.settings, committed)
            return result

        return strawberry.mutation(**guard(capability, description))(run)

    return declare
