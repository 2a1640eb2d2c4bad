"""What every resolver can reach through `info.context`."""

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from arq.connections import ArqRedis
from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from api.actors import Actor
from api.events.pubsub import EventHub
from api.graphql.errors import ErrorCode, api_error
from api.partners.models import Partner
from api.settings import Settings

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

BatchLoad = Callable[[Sequence[K]], Awaitable[Sequence[V]]]


@dataclass(frozen=True)
class Services:
    """The API process's long-lived dependencies, shared by every request."""

    settings: Settings
    redis: ArqRedis
    events: EventHub


@dataclass
class Context:
    services: Services
    request: Request | WebSocket | None = None
    actor: Actor | None = None
    # Set by strawberry from a websocket's connection_init payload.
    connection_params: dict[str, Any] | None = None
    _loaders: dict[Any, Any] = field(default_factory=dict)

    def loader(self, batch_load: BatchLoad[K, V]) -> DataLoader[K, V]:
        """The request's DataLoader for `batch_load`, created on first use: loaders live
        as long as one request, so their cache never serves another caller's data."""
        existing = self._loaders.get(batch_load)
        if existing is None:
            existing = self._loaders[batch_load] = DataLoader(load_fn=batch_load)
        return existing

    def load_soon(self, batch_load: BatchLoad[K, V], key: K) -> V | Awaitable[V]:
        """The value at once if this request has loaded it already (a list loads what
        its items show before they are resolved), else the awaitable load: a resolver
        returning it stays synchronous, which spares graphql-core a task per field."""
        loader = self.loader(batch_load)
        loaded = loader.cache_map.get(key)
        if (
            loaded is not None
            and loaded.done()
            and not loaded.cancelled()
            and not loaded.exception()
        ):
            return loaded.result()
        return loader.load(key)

    async def load_all(self, batch_load: BatchLoad[K, V], keys: Sequence[K]) -> None:
        """Loads `keys` in one batch, for `load_soon` to find."""
        await self.loader(batch_load).load_many(keys)

    def share_loaders(self, shared: dict[Any, Any]) -> None:
        """A websocket keeps one context for its lifetime: each subscription event
        starts with the loaders of its delivery, empty when it arrives and shared by
        every subscriber of the partner in this process, so that it never sees data
        cached for an earlier event and its reads are made once for all of them."""
        self._loaders = shared

    def once(self, key: Hashable, read: Callable[[], Awaitable[V]]) -> Awaitable[V]:
        """`read()`, made once for all who share these loaders (see `share_loaders`)."""
        memo = self._loaders.get(("once", key))
        if memo is None:
            memo = self._loaders[("once", key)] = asyncio.ensure_future(read())
        return cast(Awaitable[V], memo)

    @property
    def viewer(self) -> Actor:
        if self.actor is None:
            raise api_error("Not signed in.", ErrorCode.UNAUTHENTICATED)
        return self.actor

    @property
    def viewer_partner(self) -> Partner:
        """The caller's partner, for fields that the permission table already limits
        to partner principals."""
        partner = self.viewer.partner
        if partner is None:
            raise api_error("This needs a user of a partner.", ErrorCode.FORBIDDEN)
        return partner


Info = StrawberryInfo[Context, None]
