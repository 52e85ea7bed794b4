"""Settings from the environment only (names are part of the API contract, DESIGN §7)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from limits import parse_many
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from schema.core.limits import MAX_BATCH_CEILING, QueryLimits
from schema.core.pagination import MAX_PAGE

DEVELOPMENT_SECRET = "development-secret-not-for-production-use-0001"
EMBEDDED_DATABASE = "sqlite://registry.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    registry_env: Literal["development", "production"] = Field(
        default="development", alias="REGISTRY_ENV"
    )
    jwt_secret_value: str | None = Field(default=None, alias="REGISTRY_JWT_SECRET")
    jwt_public_key_file: Path | None = Field(default=None, alias="REGISTRY_JWT_PUBLIC_KEY_FILE")
    jwks_file: Path | None = Field(default=None, alias="REGISTRY_JWKS_FILE")
    jwt_issuer: str | None = Field(default=None, alias="REGISTRY_JWT_ISSUER")
    jwt_audience: str | None = Field(default=None, alias="REGISTRY_JWT_AUDIENCE")
    token_ttl_minutes: int = Field(default=12 * 60, alias="REGISTRY_TOKEN_TTL_MINUTES")
    redis_url: str | None = Field(default=None, alias="REDIS_URL")

    # Abuse limits (README, Security). A request over one is refused before anything runs.
    max_depth: int = Field(default=8, ge=1, alias="REGISTRY_MAX_DEPTH")
    max_aliases: int = Field(default=15, ge=0, alias="REGISTRY_MAX_ALIASES")
    max_tokens: int = Field(default=1000, ge=10, alias="REGISTRY_MAX_TOKENS")
    max_directives: int = Field(default=50, ge=0, alias="REGISTRY_MAX_DIRECTIVES")
    max_cost: int = Field(default=50_000, ge=1, alias="REGISTRY_MAX_COST")
    max_page: int = Field(default=MAX_PAGE, ge=1, le=MAX_PAGE, alias="REGISTRY_MAX_PAGE")
    max_batch: int = Field(default=10, ge=0, le=MAX_BATCH_CEILING, alias="REGISTRY_MAX_BATCH")
    max_body_bytes: int = Field(default=100_000, ge=1024, alias="REGISTRY_MAX_BODY_BYTES")
    # `limits` rate strings ("60/minute", "10/second;500/hour"); empty turns the limit off.
    rate_limit_anonymous: str = Field(default="60/minute", alias="REGISTRY_RATE_LIMIT_ANONYMOUS")
    rate_limit_signed_in: str = Field(default="600/minute", alias="REGISTRY_RATE_LIMIT_SIGNED_IN")

    # Serving and operating (deploy/README.md).
    # 0 = one uvicorn worker per CPU the process may use (containers: the CPU limit).
    workers: int = Field(default=1, ge=0, alias="REGISTRY_WORKERS")
    # Proxies whose X-Forwarded-For/-Proto are trusted (uvicorn's --forwarded-allow-ips): the
    # per-address anonymous rate limit needs the client's address, not the proxy's.
    forwarded_allow_ips: str = Field(default="127.0.0.1", alias="REGISTRY_FORWARDED_ALLOW_IPS")
    # Seconds in-flight requests get to finish after SIGTERM before the worker is stopped.
    graceful_shutdown_seconds: int = Field(
        default=25, ge=0, alias="REGISTRY_GRACEFUL_SHUTDOWN_SECONDS"
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", alias="REGISTRY_LOG_LEVEL"
    )
    # `json`: one object per line (request id, operation, role, duration); `text` for a terminal.
    log_format: Literal["json", "text"] | None = Field(default=None, alias="REGISTRY_LOG_FORMAT")
    metrics_enabled: bool = Field(default=True, alias="REGISTRY_METRICS")
    # Cache-Control max-age of PUBLIC answers to persisted queries fetched by GET.
    public_cache_seconds: int = Field(default=60, ge=0, alias="REGISTRY_PUBLIC_CACHE_SECONDS")

    @property
    def logs_as_json(self) -> bool:
        """JSON lines in production unless told otherwise; readable text while developing."""
        return self.log_format == "json" if self.log_format else self.production

    @property
    def worker_count(self) -> int:
        import os

        return self.workers or len(os.sched_getaffinity(0))

    @property
    def production(self) -> bool:
        return self.registry_env == "production"

    @property
    def query_limits(self) -> QueryLimits:
        return QueryLimits(
            max_depth=self.max_depth,
            max_aliases=self.max_aliases,
            max_tokens=self.max_tokens,
            max_directives=self.max_directives,
            max_cost=self.max_cost,
            max_page=self.max_page,
        )

    @field_validator("rate_limit_anonymous", "rate_limit_signed_in")
    @classmethod
    def _rate_limit_parses(cls, value: str) -> str:
        if value.strip():
            parse_many(value)  # a typo fails at start, not on the first request
        return value.strip()

    @property
    def jwt_secret(self) -> str | None:
        """The HS256 secret; development falls back to a well-known one, production never."""
        if self.jwt_secret_value:
            return self.jwt_secret_value
        return None if self.production else DEVELOPMENT_SECRET

    @property
    def db_url(self) -> str:
        return self.database_url or EMBEDDED_DATABASE

    @property
    def embedded(self) -> bool:
        return self.database_url is None

    @model_validator(mode="after")
    def _no_development_secret_in_production(self) -> Settings:
        if not self.production:
            return self
        if self.jwt_secret_value == DEVELOPMENT_SECRET:
            raise ValueError("REGISTRY_ENV=production refuses the development JWT secret")
        if self.jwt_secret_value is not None and len(self.jwt_secret_value) < 32:
            raise ValueError("REGISTRY_JWT_SECRET must be at least 32 characters in production")
        if not (self.jwt_secret_value or self.jwt_public_key_file or self.jwks_file):
            raise ValueError(
                "REGISTRY_ENV=production needs REGISTRY_JWT_SECRET, "
                "REGISTRY_JWT_PUBLIC_KEY_FILE or REGISTRY_JWKS_FILE"
            )
        return self


@cache
def get_settings() -> Settings:
    return Settings()
