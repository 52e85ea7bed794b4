"""Who may do what where: casbin maps (role, resource, action) to a scope name; each scope name
has one SQL filter and one single-object check (DESIGN §6)."""
