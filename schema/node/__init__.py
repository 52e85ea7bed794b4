"""The Relay Node interface and node(id)."""
