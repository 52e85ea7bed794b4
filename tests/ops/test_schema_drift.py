"""schema/schema.graphql is the contract the SPA is written against; it must match the code.

Refresh it with: python -c "from schema.root import sdl; open('schema/schema.graphql','w').write(sdl())"
"""

from schema.root import SDL_PATH, sdl


def test_exported_schema_matches_code() -> None:
    assert SDL_PATH.read_text(encoding="utf-8") == sdl(), (
        "schema/schema.graphql is stale; regenerate it (see this module's docstring)"
    )


def test_contract_names_are_present() -> None:
    text = sdl()
    for name in ("me: Viewer!", "regions: [Region!]!", "node(id: ID!): Node",
                 "agency(id: ID!): Agency", "agencies(", "sites(", "filings(", "sanctions(",
                 "auditEvents(", "registerAgency(input: RegisterAgencyInput!): RegisterAgencyResult!",
                 "addSite(input: AddSiteInput!): AddSiteResult!", "totalCount: Int!",
                 "hasNextPage: Boolean!", "endCursor: String"):
        assert name in text, name
