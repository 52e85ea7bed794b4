"""Bearer token -> Viewer. A bad token is refused (HTTP 401); only no token at all is PUBLIC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from models.agency import Agency
from models.enums import RegionLevel, Role
from models.region import JURISDICTIONS
from policies.viewer import Viewer
from server.settings import Settings

ASYMMETRIC = ("RS256", "ES256")
CITY_CODES = frozenset(code for code, _, level in JURISDICTIONS if level is RegionLevel.CITY)


class AuthError(Exception):
    """The request carried credentials that cannot be trusted."""


@dataclass(frozen=True)
class Verifier:
    settings: Settings

    def _key_for(self, token: str) -> tuple[Any, list[str]]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AuthError(f"malformed token: {exc}") from None
        alg = header.get("alg")
        # The key is chosen by algorithm family so a public key is never used as an HMAC secret.
        if alg == "HS256":
            if self.settings.jwt_secret is None:
                raise AuthError("HS256 tokens are not accepted: no secret is configured")
            return self.settings.jwt_secret, ["HS256"]
        if alg in ASYMMETRIC:
            if self.settings.jwks_file is not None:
                jwks = jwt.PyJWKSet.from_json(self.settings.jwks_file.read_text())
                kid = header.get("kid")
                for key in jwks.keys:
                    if kid is None or key.key_id == kid:
                        return key.key, [alg]
                raise AuthError("no key in the JWKS matches the token's kid")
            if self.settings.jwt_public_key_file is not None:
                return self.settings.jwt_public_key_file.read_text(), [alg]
            raise AuthError(f"{alg} tokens are not accepted: no public key is configured")
        raise AuthError(f"algorithm {alg!r} is not accepted")

    def claims(self, token: str) -> dict[str, Any]:
        key, algorithms = self._key_for(token)
        options = {"require": ["exp", "sub", "role"]}
        try:
            return jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                options=options,  # type: ignore[arg-type]
            )
        except jwt.PyJWTError as exc:
            raise AuthError(str(exc)) from None


async def viewer_from_claims(claims: dict[str, Any]) -> Viewer:
    try:
        role = Role(str(claims["role"]).upper())
    except ValueError:
        raise AuthError(f"unknown role {claims.get('role')!r}") from None
    subject = str(claims["sub"])
    if role is Role.PROVINCE:
        return Viewer(role=role, subject=subject, region_code="350000")
    if role is Role.CITY:
        region = claims.get("region")
        # The jurisdictions are fixed (DESIGN §3): no statement is spent on every request.
        if str(region) not in CITY_CODES:
            raise AuthError("a CITY token must name a city region")
        return Viewer(role=role, subject=subject, region_code=str(region))
    if role is Role.AGENCY:
        code = claims.get("agency")
        agency = await Agency.get_or_none(credit_code=str(code)) if code else None
        if agency is None:
            raise AuthError("an AGENCY token must name a registered agency's credit code")
        return Viewer(
            role=role, subject=subject, agency_id=agency.id, region_code=agency.filing_region_id
        )
    raise AuthError("PUBLIC is the absence of a token, not a role to sign")


async def authenticate(authorization: str | None, settings: Settings) -> Viewer:
    if authorization is None:
        return Viewer.public()
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("Authorization must be 'Bearer <token>'")
    return await viewer_from_claims(Verifier(settings).claims(token.strip()))


def mint_token(
    settings: Settings,
    role: Role,
    *,
    region: str | None = None,
    agency_credit_code: str | None = None,
    subject: str | None = None,
    ttl: timedelta | None = None,
) -> str:
    """A HS256 token for local use and tests (production tokens come from the identity provider)."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": subject or f"{role.value.lower()}:{region or agency_credit_code or 'province'}",
        "role": role.value,
        "iat": now,
        "exp": now + (ttl or timedelta(minutes=settings.token_ttl_minutes)),
    }
    if region:
        claims["region"] = region
    if agency_credit_code:
        claims["agency"] = agency_credit_code
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    if settings.jwt_secret is None:
        raise RuntimeError("REGISTRY_JWT_SECRET is not set; tokens come from the identity provider")
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
