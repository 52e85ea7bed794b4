"""Per-actor request budgets with the `limits` package.

Anonymous requests are counted per client address, signed-in ones per token subject, in a
moving window. Memory storage serves one process; with several replicas `REDIS_URL` makes
them share one count. If the storage cannot be reached the request is let through and the
failure logged: a Redis outage must not take the registry down with it.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from policies.viewer import Viewer
from server.settings import Settings

logger = logging.getLogger("registry.rate_limit")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


class RateLimiter:
    def __init__(self, settings: Settings) -> None:
        url = f"async+{settings.redis_url}" if settings.redis_url else "async+memory://"
        self.limiter = MovingWindowRateLimiter(storage_from_string(url))
        self.anonymous = _items(settings.rate_limit_anonymous)
        self.signed_in = _items(settings.rate_limit_signed_in)

    async def check(self, viewer: Viewer, client_address: str, cost: int = 1) -> Verdict:
        if viewer.subject is None:
            items, key = self.anonymous, f"address:{client_address}"
        else:
            items, key = self.signed_in, f"subject:{viewer.subject}"
        try:
            for item in items:
                if not await self.limiter.hit(item, "graphql", key, cost=cost):
                    stats = await self.limiter.get_window_stats(item, "graphql", key)
                    return Verdict(False, max(1, math.ceil(stats.reset_time - time.time())))
        except Exception:  # noqa: BLE001 - any storage failure: see the module docstring
            logger.exception("rate limit storage failed; request let through")
        return Verdict(True)


def _items(spec: str) -> list[RateLimitItem]:
    return parse_many(spec) if spec else []
