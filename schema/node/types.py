"""The Relay `Node` interface and `node(id)`: every lookup by id goes through the scoped loaders."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="An object with a global id, fetchable with `node(id)`.")
class Node:
    id: strawberry.ID
