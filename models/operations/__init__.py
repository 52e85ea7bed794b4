"""Operations that change the registry, one per module, each citing the articles it applies."""
