"""Relay connections: keyset cursors, page limits, and stability under concurrent inserts."""

from __future__ import annotations

from typing import Any

from models.agency import Agency
from models.credit_code import with_check_character
from models.enums import AgencyKind, AgencyLevel, Role
from tests.support.http_api import Api

PAGE = """
query ($first: Int, $after: String) {
  agencies(first: $first, after: $after) {
    totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor }
  }
}
"""


async def _page(
    api: Api, token: str | None, first: int, after: str | None = None
) -> dict[str, Any]:
    page: dict[str, Any] = (await api.query(PAGE, {"first": first, "after": after}, token))[
        "agencies"
    ]
    return page


async def test_pages_cover_everything_once_even_when_rows_arrive_between_pages(api) -> None:  # type: ignore[no-untyped-def]
    token = api.token(Role.PROVINCE)
    first = await _page(api, token, 7)
    assert first["pageInfo"]["hasNextPage"] and len(first["edges"]) == 7
    # A row inserted between page requests neither shifts nor repeats what was already read.
    await Agency.create(
        name="分页测试机构",
        credit_code=with_check_character("91350100PG0000001"),
        kind=AgencyKind.EMPLOYER,
        level=AgencyLevel.CITY,
        filing_region_id="350100",
        contact_name="陈主任",
        contact_phone="0591-88000000",
    )
    seen = [e["node"]["id"] for e in first["edges"]]
    after = first["pageInfo"]["endCursor"]
    while after:
        page = await _page(api, token, 7, after)
        seen += [e["node"]["id"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    assert len(seen) == len(set(seen))
    assert len(seen) == (await _page(api, token, 1))["totalCount"] == await Agency.all().count()


async def test_page_size_limits(api) -> None:  # type: ignore[no-untyped-def]
    for bad in (101, -1, 10**9):
        response = await api.post(PAGE, {"first": bad})
        body = response.json()
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
        # Refused while validating, before anything runs: no `data` entry at all.
        assert "data" not in body
    empty = await _page(api, None, 0)
    assert empty["edges"] == [] and empty["totalCount"] > 0


async def test_a_foreign_cursor_is_a_clear_error(api) -> None:  # type: ignore[no-untyped-def]
    body = (await api.post(PAGE, {"first": 5, "after": "bm90LWEtY3Vyc29y"})).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "cursor" in body["errors"][0]["message"]


async def test_ids_and_cursors_beyond_the_key_range_name_nothing(api) -> None:  # type: ignore[no-untyped-def]
    from schema.core.ids import encode_cursor, to_global_id

    huge = to_global_id("Agency", 2**40)
    token = api.token(Role.PROVINCE)
    data = await api.query(
        "query ($id: ID!) { node(id: $id) { id } agency(id: $id) { id } "
        "sites(filter: {agencyId: $id}) { totalCount } }",
        {"id": huge},
        token,
    )
    assert data == {"node": None, "agency": None, "sites": {"totalCount": 0}}
    body = (
        await api.post(PAGE, {"first": 5, "after": encode_cursor(999_999_999_999)}, token)
    ).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
