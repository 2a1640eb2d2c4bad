"""Per-principal rate limits for mutations, counted in Redis (fixed one-minute windows).

If Redis is unreachable the limit is not enforced: refusing every mutation because
the counter is down would turn a Redis outage into a full outage.
"""

import logging
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.auth import Principal
from api.errors import UserErrorCode, UserInputError

logger = logging.getLogger("api.rate_limit")

WINDOW_SECONDS = 60


async def check(redis: Redis, prefix: str, bucket: str, principal: Principal, limit: int) -> None:
    window = int(time.time() // WINDOW_SECONDS)
    key = f"{prefix}:rate:{bucket}:{principal.tenant_id}:{principal.user_id}:{window}"
    try:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, WINDOW_SECONDS * 2)
            count, _ = await pipe.execute()
    except (RedisError, OSError) as error:
        logger.warning("rate limit %s not enforced, Redis unavailable: %s", bucket, error)
        return
    if int(count) > limit:
        retry_in = WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS
        raise UserInputError(
            UserErrorCode.RATE_LIMITED,
            f"Too many requests: at most {limit} a minute. Try again in {retry_in} seconds.",
        )
