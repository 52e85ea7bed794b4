"""Announcement scopes (DESIGN §6): notices are public once published; a city also sees its own."""

from __future__ import annotations

from tortoise.expressions import Q

from models.announcement import Announcement
from policies.scopes.base import Scope
from policies.viewer import Viewer


def _published(viewer: Viewer) -> Q:
    return Q(published=True)


async def _published_check(viewer: Viewer, a: Announcement) -> bool:
    return bool(a.published)


def _published_or_city(viewer: Viewer) -> Q:
    return Q(published=True) | Q(authority_id=viewer.region_code)


async def _published_or_city_check(viewer: Viewer, a: Announcement) -> bool:
    return bool(a.published) or a.authority_id == viewer.region_code


ANNOUNCEMENT_SCOPES = (
    Scope("announcement_published", Announcement, _published, _published_check),
    Scope(
        "announcement_published_or_city", Announcement, _published_or_city, _published_or_city_check
    ),
)
