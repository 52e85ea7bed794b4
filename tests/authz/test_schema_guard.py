"""Every root field and mutation carries an explicit authorization decision (DESIGN §8), and
every mutation is declared the one way: a write permission of the catalog, typed failures."""

from __future__ import annotations

import pytest

from policies import permissions
from policies.guard import policy_rules
from schema.core.authz import Authorize, Public
from schema.core.mutation import TypedFailures
from schema.root import Mutation, Query

# Backend-independent (it inspects the schema and the policy, no database): .ci/run runs it on
# PostgreSQL only.
pytestmark = pytest.mark.any_backend

PUBLIC_BY_DESIGN = {"me", "regions"}


def _root_fields(root: type) -> list:  # type: ignore[type-arg]
    return list(root.__strawberry_definition__.fields)  # type: ignore[attr-defined]


def _decision(field) -> Authorize | Public:  # type: ignore[no-untyped-def]
    decisions = [e for e in field.extensions if isinstance(e, Authorize | Public)]
    assert len(decisions) == 1, f"{field.name} has no single authorization decision"
    return decisions[0]


def test_every_root_field_declares_its_authorization() -> None:
    granted = {(r[1], r[2]) for r in policy_rules()}
    for root in (Query, Mutation):
        for field in _root_fields(root):
            decision = _decision(field)
            if isinstance(decision, Public):
                assert field.name in PUBLIC_BY_DESIGN, f"{field.name} is public by accident"
                continue
            assert decision.permissions, field.name
            for permission in decision.permissions:
                assert permission in permissions.CATALOG, (field.name, permission)
                assert permission.key in granted, f"{field.name}: no role holds {permission.key}"


def test_every_mutation_is_one_write_permission_with_typed_failures() -> None:
    for field in _root_fields(Mutation):
        decision = _decision(field)
        assert isinstance(decision, Authorize), f"{field.name} is public"
        assert len(decision.permissions) == 1, field.name
        assert decision.permissions[0].is_write, f"{field.name} declares a read"
        assert any(isinstance(e, TypedFailures) for e in field.extensions), field.name


def test_policy_names_only_scopes_that_exist_and_every_scope_is_used() -> None:
    from policies.scopes import NONE, SCOPES

    named = {r[3] for r in policy_rules()}
    assert named <= set(SCOPES), named - set(SCOPES)
    assert set(SCOPES) - {NONE.name} <= named, set(SCOPES) - {NONE.name} - named
