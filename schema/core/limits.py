"""Abuse limits on a GraphQL document, checked during validation so nothing over a limit runs.

Depth, aliases, directives, page sizes and cost are validation rules; the token limit is the
parser's own `max_tokens`. Each refusal carries an `extensions.code` so the SPA can tell them
apart, and being validation errors they are answered before any resolver or SQL runs.

Cost: every field costs 1, and a field with a `first` argument multiplies the cost of what is
under it by its page size (the default page size when `first` is not given), so
`agencies(first: 100) { edges { node { sites(first: 100) { ... } } } }` is priced for the
10,000 sites it could return. Introspection fields are exempt from depth, alias and cost
limits: GraphiQL's own introspection query nests `ofType` deeper than any data query.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    validate,
    visit,
)
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

from schema.core.document_cache import cacheable, parsed, static_errors
from schema.core.pagination import DEFAULT_PAGE, MAX_PAGE
from schema.core.text_input import text_rule

# Batches are sized per deployment (REGISTRY_MAX_BATCH); this is only their ceiling.
MAX_BATCH_CEILING = 100


@dataclass(frozen=True)
class QueryLimits:
    max_depth: int = 8
    max_aliases: int = 15
    max_tokens: int = 1000
    max_directives: int = 50
    max_cost: int = 50_000
    max_page: int = MAX_PAGE


class LimitError(GraphQLError):
    def __init__(self, message: str, code: str, nodes: Any = None) -> None:
        super().__init__(message, nodes=nodes, extensions={"code": code})


def _is_introspection(node: FieldNode) -> bool:
    return node.name.value.startswith("__")


class _Walker:
    """Depth and cost of each operation, following fragment spreads (a cycle is cut here and
    reported by graphql's own NoFragmentCycles rule)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any],
        max_page: int,
    ) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = variables
        self.max_page = max_page
        self.page_errors: dict[int, LimitError] = {}

    def _narrowed(
        self, parent: GraphQLNamedType | None, condition: NamedTypeNode | None
    ) -> GraphQLNamedType | None:
        if condition is None:
            return parent
        return self.schema.get_type(condition.name.value)

    def fields(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        seen: frozenset[str],
    ) -> Iterator[tuple[FieldNode, GraphQLNamedType | None, frozenset[str]]]:
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent, seen
            elif isinstance(selection, InlineFragmentNode):
                yield from self.fields(
                    selection.selection_set, self._narrowed(parent, selection.type_condition), seen
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    yield from self.fields(
                        fragment.selection_set,
                        self._narrowed(parent, fragment.type_condition),
                        seen | {name},
                    )

    def page_size(self, node: FieldNode, definition: GraphQLField | None) -> int:
        """How many times the field's selection may be repeated: its page size if it pages."""
        if definition is None or "first" not in definition.args:
            return 1
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value: Any = None
            if isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif isinstance(argument.value, VariableNode):
                value = self.variables.get(argument.value.name.value)
            if value is None:
                return DEFAULT_PAGE
            if not isinstance(value, int) or isinstance(value, bool):
                return self.max_page  # graphql rejects it anyway; price it as a full page
            if value < 0 or value > self.max_page:
                self.page_errors[id(argument)] = LimitError(
                    f"`first` must be between 0 and {self.max_page}, got {value}",
                    "BAD_USER_INPUT",
                    nodes=[argument],
                )
                return self.max_page
            return value
        return DEFAULT_PAGE

    def measure(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        seen: frozenset[str],
    ) -> tuple[int, int]:
        """(depth, cost) of a selection set; leaves add no depth."""
        depth, cost = 0, 0
        for node, parent_type, path in self.fields(selection_set, parent, seen):
            if _is_introspection(node):
                continue
            if node.selection_set is None:
                cost += 1
                continue
            definition = None
            if isinstance(parent_type, GraphQLObjectType | GraphQLInterfaceType):
                definition = parent_type.fields.get(node.name.value)
            child_type = get_named_type(definition.type) if definition else None
            child_depth, child_cost = self.measure(node.selection_set, child_type, path)
            depth = max(depth, child_depth + 1)
            cost += 1 + self.page_size(node, definition) * child_cost
        return depth, cost


def _count(document: DocumentNode) -> tuple[list[FieldNode], list[DirectiveNode]]:
    aliased: list[FieldNode] = []
    directives: list[DirectiveNode] = []

    class Counter(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            if node.alias is not None and not _is_introspection(node):
                aliased.append(node)

        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            directives.append(node)

    visit(document, Counter())
    return aliased, directives


def limit_rule(limits: QueryLimits, variables: Mapping[str, Any] | None) -> type[ValidationRule]:
    """A validation rule bound to one request's limits and variables (page sizes given as
    variables are priced by their value)."""

    class EnforceQueryLimits(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            document = context.document
            aliased, directives = _count(document)
            if len(aliased) > limits.max_aliases:
                context.report_error(
                    LimitError(
                        f"The query uses {len(aliased)} aliases; at most {limits.max_aliases} "
                        "are allowed",
                        "TOO_MANY_ALIASES",
                    )
                )
            if len(directives) > limits.max_directives:
                context.report_error(
                    LimitError(
                        f"The query uses {len(directives)} directives; at most "
                        f"{limits.max_directives} are allowed",
                        "TOO_MANY_DIRECTIVES",
                    )
                )
            schema = context.schema
            walker = _Walker(schema, document, variables or {}, limits.max_page)
            for operation in document.definitions:
                if not isinstance(operation, OperationDefinitionNode):
                    continue
                root = schema.get_root_type(operation.operation)
                depth, cost = walker.measure(operation.selection_set, root, frozenset())
                if depth > limits.max_depth:
                    context.report_error(
                        LimitError(
                            f"The query is {depth} levels deep; at most {limits.max_depth} are "
                            "allowed",
                            "QUERY_TOO_DEEP",
                            nodes=[operation],
                        )
                    )
                if cost > limits.max_cost:
                    context.report_error(
                        LimitError(
                            f"The query could return about {cost} values; at most "
                            f"{limits.max_cost} are allowed: ask for smaller pages",
                            "QUERY_TOO_COMPLEX",
                            nodes=[operation],
                        )
                    )
            for error in walker.page_errors.values():
                context.report_error(error)

    return EnforceQueryLimits


class EnforceLimits(SchemaExtension):
    """Applies the limits and the introspection policy the request's context carries."""

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        max_tokens = execution.context.limits.max_tokens
        execution.parse_options["max_tokens"] = max_tokens
        if cacheable(execution.query):
            with suppress(GraphQLError):  # strawberry parses it again and reports the error
                execution.graphql_document = parsed(execution.query, max_tokens)
        yield

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        variables = execution.variables
        per_request: list[type[ASTValidationRule]] = [
            limit_rule(context.limits, variables),
            text_rule(variables),
        ]
        if not context.introspection:
            per_request.append(NoSchemaIntrospectionCustomRule)
        query, document = execution.query, execution.graphql_document
        if cacheable(query) and document is not None and execution.validation_rules:
            assert query is not None
            schema = execution.schema._schema
            rules = tuple(execution.validation_rules)
            execution.pre_execution_errors = [
                *static_errors(schema, query, context.limits.max_tokens, rules),
                *validate(schema, document, per_request),
            ]
        else:
            execution.validation_rules = (*execution.validation_rules, *per_request)
        yield
