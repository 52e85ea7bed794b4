"""GraphQL only: one package per noun; translates between GraphQL and the domain."""
