"""The allow-list of persisted queries: the SPA's operations, by SHA-256.

The operations live in `schema/operations/*.graphql` (shipped in the wheel). Every named
operation there, printed by graphql-core together with the fragments it uses (the operation
first, then its fragments in file order), is one persisted document, and its id is the
lowercase hex SHA-256 of that text's UTF-8 bytes. A client sends the id alone (Apollo's
`extensions.persistedQuery`) and the server runs the stored document; see
server/graphql_view.py for the wire format and the caching that goes with it.

`python -m server.persisted_queries` prints the manifest for the SPA's build as JSON,
`{hash: operationName}`; `--documents` prints Apollo's persisted query manifest (ids, names,
types and bodies) instead.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    Visitor,
    build_schema,
    parse,
    print_ast,
    validate,
    visit,
)

PACKAGE = "schema"
DIRECTORY = "operations"


@dataclass(frozen=True, slots=True)
class PersistedOperation:
    name: str
    operation: OperationType
    document: str  # the exact text the hash is taken of
    sha256: str

    @property
    def is_query(self) -> bool:
        return self.operation is OperationType.QUERY


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _spreads(node: OperationDefinitionNode | FragmentDefinitionNode) -> list[str]:
    names: list[str] = []

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: object) -> None:
            names.append(spread.name.value)

    visit(node, Spreads())
    return names


def _fragments_used(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> set[str]:
    used: set[str] = set()
    pending = _spreads(operation)
    while pending:
        name = pending.pop()
        if name in used:
            continue
        if name not in fragments:
            raise ValueError(
                f"operation {operation.name.value if operation.name else '?'} "
                f"spreads unknown fragment {name}"
            )
        used.add(name)
        pending.extend(_spreads(fragments[name]))
    return used


@dataclass(frozen=True, eq=False)  # hashed by identity: validation is cached per manifest
class Manifest:
    by_hash: Mapping[str, PersistedOperation]

    @classmethod
    def from_sources(cls, sources: Iterable[str]) -> Manifest:
        """One persisted document per named operation of the sources, which share their
        fragments. Anonymous operations, subscriptions and duplicate names are refused."""
        operations: list[OperationDefinitionNode] = []
        fragments: dict[str, FragmentDefinitionNode] = {}
        for source in sources:
            for definition in parse(source, no_location=True).definitions:
                if isinstance(definition, FragmentDefinitionNode):
                    if definition.name.value in fragments:
                        raise ValueError(f"fragment {definition.name.value} is defined twice")
                    fragments[definition.name.value] = definition
                elif isinstance(definition, OperationDefinitionNode):
                    operations.append(definition)
                else:
                    raise ValueError("operations files hold only operations and fragments")
        by_hash: dict[str, PersistedOperation] = {}
        names: set[str] = set()
        for operation in operations:
            if operation.name is None:
                raise ValueError("every persisted operation needs a name")
            name = operation.name.value
            if name in names:
                raise ValueError(f"operation {name} is defined twice")
            if operation.operation is OperationType.SUBSCRIPTION:
                raise ValueError(f"{name}: subscriptions are not served over HTTP")
            names.add(name)
            used = _fragments_used(operation, fragments)
            document = print_ast(
                DocumentNode(
                    definitions=(operation, *(f for n, f in fragments.items() if n in used))
                )
            )
            digest = sha256_hex(document)
            by_hash[digest] = PersistedOperation(name, operation.operation, document, digest)
        return cls(by_hash)

    def get(self, sha256: str) -> PersistedOperation | None:
        return self.by_hash.get(sha256)

    def __len__(self) -> int:
        return len(self.by_hash)

    def by_name(self) -> dict[str, PersistedOperation]:
        return {op.name: op for op in self.by_hash.values()}

    def validation_errors(self, sdl: str) -> list[str]:
        """What does not validate against the schema (given as SDL), one line each."""
        return _validation_errors(self, sdl)

    def names(self) -> dict[str, str]:
        """{hash: operationName}, by operation name."""
        return {op.sha256: op.name for op in sorted(self.by_hash.values(), key=lambda o: o.name)}

    def apollo_manifest(self) -> dict[str, object]:
        """Apollo's persisted query manifest (`@apollo/generate-persisted-query-manifest`)."""
        return {
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [
                {"id": op.sha256, "name": op.name, "type": op.operation.value, "body": op.document}
                for op in sorted(self.by_hash.values(), key=lambda o: o.name)
            ],
        }


@cache
def _validation_errors(manifest: Manifest, sdl: str) -> list[str]:
    graphql_schema = build_schema(sdl)
    problems: list[str] = []
    for op in sorted(manifest.by_hash.values(), key=lambda o: o.name):
        errors: Sequence[GraphQLError] = validate(graphql_schema, parse(op.document))
        problems.extend(f"{op.name}: {error.message}" for error in errors)
    return problems


def operation_sources() -> list[str]:
    directory = resources.files(PACKAGE).joinpath(DIRECTORY)
    files = sorted(
        (f for f in directory.iterdir() if f.name.endswith(".graphql")), key=lambda f: f.name
    )
    return [f.read_text(encoding="utf-8") for f in files]


@cache
def manifest() -> Manifest:
    """The shipped operations, loaded once per process."""
    return Manifest.from_sources(operation_sources())


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args not in ([], ["--documents"]):
        print("usage: python -m server.persisted_queries [--documents]", file=sys.stderr)
        return 2
    loaded = manifest()
    output = loaded.apollo_manifest() if args else loaded.names()
    print(json.dumps(output, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
