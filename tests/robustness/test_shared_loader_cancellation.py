"""A field that errors makes graphql-core cancel its siblings; a cancelled sibling must not
cancel a DataLoader result another object's field still awaits (it escaped the request as an
unmasked CancelledError and failed the fuzz test now and then)."""

from __future__ import annotations

from typing import Any

from tests.support.builders import province

QUERY = """query($id: ID!) {
  a: agency(id: $id) { supervisionMode incentives sites(first: 1, after: "garbage") { totalCount } }
  b: agency(id: $id) { incentives upgradeRecommendedAt }
}"""


async def test_an_erroring_sibling_does_not_cancel_a_shared_load(api: Any) -> None:
    node = await api.query("{ agencies(first: 1) { edges { node { id } } } }", token=province(api))
    agency_id = node["agencies"]["edges"][0]["node"]["id"]
    for _ in range(5):
        response = await api.post(QUERY, {"id": agency_id}, province(api))
        assert response.status_code == 200, response.text
        body = response.json()
        codes = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}
        assert "INTERNAL_SERVER_ERROR" not in codes and "INTERNAL" not in codes, body
        assert body["data"]["b"] is not None, body
        assert all("cursor" in e["message"] for e in body["errors"]), body
