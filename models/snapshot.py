"""Plain-JSON pictures of rows for the audit trail's before/after."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from tortoise.models import Model


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(obj: Model) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in obj._meta.db_fields}
