"""Text no column can store is refused with the request, not by the database mid-write.

PostgreSQL text cannot hold NUL, and a lone UTF-16 surrogate (JSON "\\ud800") cannot be
encoded for any driver; either would otherwise surface as a masked internal error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from graphql import GraphQLError, StringValueNode, ValidationContext, ValidationRule

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MESSAGE = "Text may not contain NUL characters or unpaired UTF-16 surrogates"


def _unstorable(value: Any) -> bool:
    if isinstance(value, str):
        return UNSTORABLE.search(value) is not None
    if isinstance(value, Mapping):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable(v) for v in value)
    return False


def text_rule(variables: Mapping[str, Any] | None) -> type[ValidationRule]:
    class RefuseUnstorableText(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            if variables and _unstorable(dict(variables)):
                context.report_error(
                    GraphQLError(
                        f"{MESSAGE} (in the variables)", extensions={"code": "BAD_USER_INPUT"}
                    )
                )

        def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
            if UNSTORABLE.search(node.value):
                self.report_error(
                    GraphQLError(MESSAGE, nodes=[node], extensions={"code": "BAD_USER_INPUT"})
                )

    return RefuseUnstorableText
