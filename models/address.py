"""Venue address normalization: one physical venue is registered once per region (DESIGN §4)."""

import unicodedata

# Separators people type differently for the same address; folded away entirely.
_IGNORED_CATEGORIES = ("Z", "P", "C")  # separators, punctuation, control characters


def address_key(address: str) -> str:
    """Fold full-width forms (NFKC), case, whitespace and punctuation."""
    folded = unicodedata.normalize("NFKC", address).casefold()
    return "".join(c for c in folded if unicodedata.category(c)[0] not in _IGNORED_CATEGORIES)
