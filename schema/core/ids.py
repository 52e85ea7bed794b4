"""Opaque global ids ("Agency:12", base64) and keyset cursors."""

from __future__ import annotations

import base64
import binascii

from graphql import GraphQLError

# Primary keys are 32-bit integer columns; a larger number names no row and must never reach
# the database (PostgreSQL refuses it as out of range rather than finding nothing).
MAX_PK = 2**31 - 1


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unb64(value: str) -> str:
    padded = value + "=" * (-len(value) % 4)
    return base64.urlsafe_b64decode(padded.encode()).decode()


def to_global_id(type_name: str, pk: int) -> str:
    return _b64(f"{type_name}:{pk}")


def from_global_id(value: str) -> tuple[str, int] | None:
    """(type name, pk), or None for anything that is not one of our ids."""
    try:
        type_name, _, raw = _unb64(str(value)).partition(":")
        pk = int(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not type_name or not 1 <= pk <= MAX_PK:
        return None
    # One spelling per object: base64 padding, signs, spaces, underscores and non-ASCII digits
    # would otherwise give every row many ids (int() takes " +1_0", "٣").
    if to_global_id(type_name, pk) != str(value):
        return None
    return type_name, pk


def pk_of(value: str, type_name: str) -> int | None:
    parsed = from_global_id(value)
    if parsed is None or parsed[0] != type_name:
        return None
    return parsed[1]


def encode_cursor(pk: int) -> str:
    return _b64(f"k1:{pk}")


def decode_cursor(cursor: str) -> int:
    try:
        prefix, _, raw = _unb64(cursor).partition(":")
        pk = int(raw)
        if prefix != "k1" or not 0 <= pk <= MAX_PK:
            raise ValueError(prefix)
        return pk
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise GraphQLError(
            "`after` is not a cursor returned by this API", extensions={"code": "BAD_USER_INPUT"}
        ) from None
