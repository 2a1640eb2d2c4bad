"""Process-wide dependencies, built once at start-up and shared by every request."""

from dataclasses import dataclass

from arq.connections import ArqRedis

from api.auth import TokenVerifier
from api.events import EventHub
from api.settings import Settings


@dataclass
class Services:
    settings: Settings
    redis: ArqRedis
    verifier: TokenVerifier
    events: EventHub
