"""Per-principal rate limits for mutations, counted in Redis (fixed one-minute windows).

If Redis is unreachable the limit is not enforced: refusing every mutation because
the counter is down would turn a Redis outage into a full outage.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from redis.exceptions import RedisError

from api.actors import Actor
from api.errors import UserErrorCode, UserInputError
from api.graphql.context import Services
from api.settings import Settings

logger = logging.getLogger("api.rate_limit")

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Bucket:
    name: str
    per_minute: Callable[[Settings], int]


MUTATIONS = Bucket("mutations", lambda settings: settings.mutations_per_minute)
INVITATION_REQUESTS = Bucket(
    "invitation-requests", lambda settings: settings.invitation_requests_per_minute
)


async def check(services: Services, bucket: Bucket, actor: Actor) -> None:
    settings = services.settings
    limit = bucket.per_minute(settings)
    window = int(time.time() // WINDOW_SECONDS)
    key = f"{settings.redis_prefix}:rate:{bucket.name}:{actor.tenant_id}:{actor.user_id}:{window}"
    try:
        async with services.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, WINDOW_SECONDS * 2)
            count, _ = await pipe.execute()
    except (RedisError, OSError) as error:
        logger.warning("rate limit %s not enforced, Redis unavailable: %s", bucket.name, error)
        return
    if int(count) > limit:
        retry_in = WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS
        raise UserInputError(
            UserErrorCode.RATE_LIMITED,
            f"Too many requests: at most {limit} a minute. Try again in {retry_in} seconds.",
        )
