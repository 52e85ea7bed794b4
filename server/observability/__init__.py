"""Operating the registry: readiness (/readyz), Prometheus metrics (/metrics) and structured
logs (one JSON object per line in production)."""
