"""What every mutation shares: the per-principal rate limit, and turning refusals
(`UserInputError`, or a constraint violation from a concurrent change) into the
payload's `userErrors`."""

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from tortoise.exceptions import IntegrityError

from api import rate_limit
from api.context import Info
from api.errors import UserError, UserErrorCode, UserInputError

logger = logging.getLogger("api.mutations")


class Payload(Protocol):
    user_errors: list[UserError]


P = TypeVar("P", bound=Payload)


async def respond(info: Info, payload: Callable[..., P], action: Callable[[], Awaitable[P]]) -> P:
    context = info.context
    settings = context.services.settings
    try:
        await rate_limit.check(
            context.services.redis,
            settings.redis_prefix,
            "mutations",
            context.viewer,
            settings.mutations_per_minute,
        )
        return await action()
    except UserInputError as error:
        return payload(user_errors=[error.to_user_error()])
    except IntegrityError as error:
        # A unique constraint caught a race the checks before it could not see.
        logger.info("mutation refused by a constraint (request raced another): %s", error)
        return payload(
            user_errors=[
                UserError(
                    field=None,
                    message="This conflicts with a change made at the same time. Try again.",
                    code=UserErrorCode.CONFLICT,
                )
            ]
        )
