"""A wall-clock budget for the long property tests (`@pytest.mark.long` with `@given`).

`REGISTRY_TEST_PROPERTY_BUDGET=S` (seconds; .ci/run sets it on its PostgreSQL leg, together
with the `long` hypothesis profile's 2,000 examples) gives each such test S seconds from its
first example: the examples it draws after that pass without running, so hypothesis ends the
test quickly, at whatever count it had reached. Only while every example so far has passed:
once one fails, the budget no longer applies, so hypothesis can replay and shrink it as usual.
Unset or 0: no budget, every example runs.

The wrapper goes around hypothesis' `inner_test` (the hook hypothesis offers for running a
test's body a different way; pytest-asyncio wraps it too) for the duration of one test item;
the terminal summary says how many examples each test ran within its budget.
"""

from __future__ import annotations

import functools
import inspect
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ENVIRONMENT = "REGISTRY_TEST_PROPERTY_BUDGET"


def budget_seconds() -> float:
    return float(os.environ.get(ENVIRONMENT) or 0)


@dataclass
class Budget:
    test: str
    seconds: float
    started: float | None = None
    ran: int = 0
    passed_unrun: int = 0
    failed: bool = False
    elapsed: float = field(default=0.0)

    def spent(self) -> bool:
        now = time.monotonic()
        if self.started is None:
            self.started = now
        return not self.failed and now - self.started >= self.seconds

    def wrap(self, inner: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.iscoroutinefunction(inner):

            @functools.wraps(inner)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                if self.spent():
                    self.passed_unrun += 1
                    return None
                self.ran += 1
                try:
                    return await inner(*args, **kwargs)
                except BaseException:
                    self.failed = True
                    raise
                finally:
                    self.elapsed = time.monotonic() - (self.started or 0)

            return run_async

        @functools.wraps(inner)
        def run(*args: Any, **kwargs: Any) -> Any:
            if self.spent():
                self.passed_unrun += 1
                return None
            self.ran += 1
            try:
                return inner(*args, **kwargs)
            except BaseException:
                self.failed = True
                raise
            finally:
                self.elapsed = time.monotonic() - (self.started or 0)

        return run

    def summary(self) -> str:
        if self.passed_unrun:
            return (
                f"{self.test}: {self.ran} examples in {self.elapsed:.0f} s, then the "
                f"{self.seconds:.0f} s budget was spent ({self.passed_unrun} drawn, not run)"
            )
        return f"{self.test}: all {self.ran} examples in {self.elapsed:.0f} s"
