"""Per-principal rate limits for mutations, counted in Redis over the last minute.

The window slides: each request is remembered for a minute (a sorted set of
timestamps per principal and bucket), so no boundary lets a client through twice its
limit, and the answer does not depend on when in a minute the requests come.

If Redis is unreachable the limit is not enforced: refusing every mutation because
the counter is down would turn a Redis outage into a full outage.
"""

import logging
import time
import uuid
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
    now = time.time()
    key = f"{settings.redis_prefix}:rate:{bucket.name}:{actor.tenant_id}:{actor.user_id}"
    request = f"{now:.6f}:{uuid.uuid4().hex[:8]}"
    try:
        async with services.redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, "-inf", now - WINDOW_SECONDS)
            pipe.zadd(key, {request: now})
            pipe.zcard(key)
            pipe.zrange(key, 0, 0, withscores=True)
            pipe.expire(key, WINDOW_SECONDS)
            _, _, count, oldest, _ = await pipe.execute()
        if int(count) <= limit:
            return
        # Only requests let through are remembered: the set never outgrows the limit.
        await services.redis.zrem(key, request)
    except (RedisError, OSError) as error:
        logger.warning("rate limit %s not enforced, Redis unavailable: %s", bucket.name, error)
        return
    retry_in = max(1, int(oldest[0][1] + WINDOW_SECONDS - now) + 1)
    raise UserInputError(
        UserErrorCode.RATE_LIMITED,
        f"Too many requests: at most {limit} a minute. Try again in {retry_in} seconds.",
    )
