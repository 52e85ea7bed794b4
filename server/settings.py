"""Settings from the environment only (names are part of the API contract, DESIGN §7)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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

    @property
    def production(self) -> bool:
        return self.registry_env == "production"

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
