"""No N+1: the statements a nested query runs do not grow with the page size (DESIGN §8)."""

from __future__ import annotations

import logging
import re

import pytest

from models.enums import Role

QUERY = """
query ($n: Int!) {
  agencies(first: $n) {
    totalCount
    edges { node {
      name status contactName filingRegion { code }
      sites { totalCount edges { node { name region { code } agency { name } } } }
      filings { edges { node { kind authority { code } items { occupationCode site { name } } } } }
      sanctions { edges { node { grade authority { code } } } }
    } }
  }
}
"""

_SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if _SQL.match(message):
            self.statements.append(message)


async def _count(api, n: int, token: str | None) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    logger = logging.getLogger("tortoise.db_client")
    counter, level = _Counter(), logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        data = await api.query(QUERY, {"n": n}, token)
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)
    return len(counter.statements), len(data["agencies"]["edges"])


@pytest.mark.parametrize("actor", ["province", "city", "public"])
async def test_statement_count_is_independent_of_page_size(api, actor: str) -> None:  # type: ignore[no-untyped-def]
    token = {
        "province": api.token(Role.PROVINCE),
        "city": api.token(Role.CITY, region="350200"),
        "public": None,
    }[actor]
    small, small_rows = await _count(api, 5, token)
    large, large_rows = await _count(api, 50, token)
    assert large_rows > small_rows, "the demo data must fill a larger page"
    assert small == large, f"{small} statements for 5 agencies, {large} for 50"
    # Agency.sites reads which venues the agencies use (two id-only statements) before the
    # venues in scope, so PostgreSQL tests the scope on those venues only.
    assert large <= 13
