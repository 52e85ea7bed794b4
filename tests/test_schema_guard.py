"""Every root field and mutation carries an explicit authorization decision (DESIGN §8)."""

from __future__ import annotations

import pytest

from policies.guard import policy_rules
from schema.core.authz import Authorize, Public
from schema.root import Mutation, Query

# Backend-independent (it inspects the schema and the policy, no database): .ci/run runs it on
# PostgreSQL only.
pytestmark = pytest.mark.any_backend

PUBLIC_BY_DESIGN = {"me", "regions"}


def _root_fields(root: type) -> list:  # type: ignore[type-arg]
    return list(root.__strawberry_definition__.fields)  # type: ignore[attr-defined]


def test_every_root_field_declares_its_authorization() -> None:
    resources = {(r[1], r[2]) for r in policy_rules()}
    for root in (Query, Mutation):
        for field in _root_fields(root):
            decisions = [e for e in field.extensions if isinstance(e, Authorize | Public)]
            assert len(decisions) == 1, f"{root.__name__}.{field.name} has no authorization"
            decision = decisions[0]
            if isinstance(decision, Public):
                assert field.name in PUBLIC_BY_DESIGN, f"{field.name} is public by accident"
                continue
            for resource in decision.resources:
                assert (resource, decision.action) in resources, (
                    f"{field.name}: no policy rule for ({resource}, {decision.action})"
                )


def test_mutations_are_never_public() -> None:
    for field in _root_fields(Mutation):
        assert not any(isinstance(e, Public) for e in field.extensions), field.name


def test_policy_names_only_scopes_that_exist_and_every_scope_is_used() -> None:
    from policies.scopes import NONE, SCOPES

    named = {r[3] for r in policy_rules()}
    assert named <= set(SCOPES), named - set(SCOPES)
    assert set(SCOPES) - {NONE.name} <= named, set(SCOPES) - {NONE.name} - named
