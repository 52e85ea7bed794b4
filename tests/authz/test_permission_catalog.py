"""The permission catalog, the policy file and the guard hold to each other (DESIGN §6): every
write names its refusal, every grant names a catalog entry, every scope filters the rows of the
model its permission checks, and the guard refuses, and checks the object it is handed."""

from __future__ import annotations

import re

import pytest

from models.agency import Agency
from models.enums import Role
from models.errors import RuleViolation
from models.site import Site
from policies import permissions
from policies.guard import Guard, policy_rules
from policies.scopes import SCOPES
from policies.table import main as table_main
from policies.viewer import Viewer

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_write_names_its_refusal_and_no_read_does() -> None:
    for p in permissions.CATALOG:
        if p.is_write:
            assert p.refusal is not None, p.key
            assert CJK.search(p.refusal.message), f"{p.key}: refusal text is not Chinese"
            assert f"第{p.refusal.article}条" in p.refusal.message, (
                f"{p.key}: the message does not cite Art. {p.refusal.article}"
            )
        else:
            assert p.refusal is None, p.key


def test_each_permission_is_in_the_catalog_once() -> None:
    keys = [p.key for p in permissions.CATALOG]
    assert len(keys) == len(set(keys))


def test_every_grant_names_a_catalog_entry_and_every_entry_is_granted() -> None:
    granted = {(r[1], r[2]) for r in policy_rules()}
    assert granted <= set(permissions.BY_KEY), granted - set(permissions.BY_KEY)
    assert set(permissions.BY_KEY) <= granted, set(permissions.BY_KEY) - granted


def test_every_granted_scope_selects_the_rows_its_permission_checks() -> None:
    for role, resource, action, scope_name in policy_rules():
        permission = permissions.BY_KEY[(resource, action)]
        model = SCOPES[scope_name].model
        assert model in (None, permission.target), (role, permission.key, scope_name, model)


async def test_authorize_raises_the_catalog_refusal(database) -> None:  # type: ignore[no-untyped-def]
    city = Guard(Viewer(Role.CITY, "c", "350200"))
    with pytest.raises(RuleViolation) as refused:
        await city.authorize(permissions.IMPORT_FILING)
    assert refused.value.code == "NOT_PROVINCE" and refused.value.article == 3
    agency = await Agency.filter(filing_region_id="350100", level="CITY").first()
    assert agency is not None
    with pytest.raises(RuleViolation) as refused:
        await city.authorize(permissions.MANAGE_AGENCY, agency)
    assert refused.value.code == "NOT_FILING_AUTHORITY"
    await Guard(Viewer(Role.CITY, "c", "350100")).authorize(permissions.MANAGE_AGENCY, agency)


async def test_authorize_checks_the_model_its_permission_names(database) -> None:  # type: ignore[no-untyped-def]
    province = Guard(Viewer(Role.PROVINCE, "p", "350000"))
    with pytest.raises(TypeError, match="checks a Agency, not a Site"):
        await province.authorize(permissions.MANAGE_AGENCY, Site(agency_id=1))
    with pytest.raises(TypeError, match="is a read"):
        await province.authorize(permissions.READ_AGENCY)


def test_policies_readme_is_generated_from_the_policy() -> None:
    assert table_main(["--check"]) == 0, "run: python -m policies.table"
