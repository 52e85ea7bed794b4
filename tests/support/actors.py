"""The actors the read-scope tests look through, chosen from the demo data.

PUBLIC; PROVINCE; CITY 厦门 350200; CITY 平潭 350128 (a peer of the cities that is nobody's
parent); 厦门's ACTIVE catering employer (the demo's city agency with the most private records:
a rejected scope change, a site on no approved filing, an unpublished interview), so the AGENCY
column is tested where it differs from PUBLIC; the PROVINCIAL employer with sites in five
cities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.demo import DEMO_CREDIT_CODES
from tests.support.oracle import AGENCY, CITY, PROVINCE, PUBLIC, Actor, Snapshot

XIAMEN = "350200"
PINGTAN = "350128"


@dataclass(frozen=True)
class ActorSpec:
    key: str
    role: str
    region: str | None = None
    pick: str | None = None  # how to choose the agency of an AGENCY actor


ACTOR_SPECS = [
    ActorSpec("public", PUBLIC),
    ActorSpec("province", PROVINCE),
    ActorSpec("city-350200-xiamen", CITY, region=XIAMEN),
    ActorSpec("city-350128-pingtan", CITY, region=PINGTAN),
    ActorSpec("agency-city-active", AGENCY, pick="city"),
    ActorSpec("agency-provincial-multicity", AGENCY, pick="provincial"),
]


def today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


def _not_expired(snap: Snapshot, agency_id: int) -> bool:
    valid_until = snap.agencies[agency_id].valid_until
    return valid_until is None or valid_until >= today()


def pick_city_agency(snap: Snapshot) -> int:
    """厦门's ACTIVE catering employer."""
    a = snap.agency_by_credit_code(DEMO_CREDIT_CODES["xiamen_catering"])
    assert a.level == "CITY" and a.state == "ACTIVE" and _not_expired(snap, a.id), a
    return a.id


def pick_provincial_agency(snap: Snapshot) -> int:
    """The demo's PROVINCIAL employer with sites in five cities."""
    a = snap.agency_by_credit_code(DEMO_CREDIT_CODES["provincial_multi_city"])
    assert a.level == "PROVINCIAL", a
    return a.id


def resolve(spec: ActorSpec, snap: Snapshot) -> Actor:
    if spec.role != AGENCY:
        return Actor(spec.role, region=spec.region)
    chooser = {"city": pick_city_agency, "provincial": pick_provincial_agency}[spec.pick or ""]
    return Actor(AGENCY, agency_id=chooser(snap))


def token_for(api: Any, actor: Actor, snap: Snapshot) -> str | None:
    if actor.role == PUBLIC:
        return None
    if actor.role == PROVINCE:
        return str(api.token("PROVINCE"))
    if actor.role == CITY:
        return str(api.token("CITY", region=actor.region))
    assert actor.agency_id is not None
    return str(api.token("AGENCY", agency=snap.agencies[actor.agency_id].credit_code))
