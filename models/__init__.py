"""The domain: tortoise models and the operations that change them under the measures."""

MODEL_MODULES = [
    "models.region",
    "models.agency",
    "models.site",
    "models.filing",
    "models.sanction",
    "models.audit",
    "models.announcement",
    "models.claim",
    "models.working_days",
    "models.inspection",
    "models.draw",
]
