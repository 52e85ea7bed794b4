"""Machinery every noun shares: context, authorization, typed errors, paging, ids, limits."""
