"""Authentication: a verified bearer token or nothing (PUBLIC); every bad token is a 401."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from models.agency import Agency
from models.enums import Role
from server.app import create_app
from server.auth import mint_token
from server.settings import DEVELOPMENT_SECRET, Settings
from tests.support.http_api import Api

ME = "{ me { role region { code } agency { creditCode } } }"


def _claims(**extra: object) -> dict[str, object]:
    now = datetime.now(UTC)
    return {"sub": "t", "iat": now, "exp": now + timedelta(minutes=5), **extra}


async def _status(api: Api, token: str) -> tuple[int, dict[str, Any]]:
    response = await api.client.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}
    )
    return response.status_code, response.json()


async def test_no_header_is_public(api) -> None:  # type: ignore[no-untyped-def]
    data = await api.query(ME)
    assert data["me"] == {"role": "PUBLIC", "region": None, "agency": None}


async def test_valid_tokens_establish_the_viewer(api) -> None:  # type: ignore[no-untyped-def]
    agency_row = await Agency.filter(level="CITY").order_by("id").first()
    assert agency_row is not None
    code = agency_row.credit_code
    assert (await api.query(ME, token=api.token(Role.PROVINCE)))["me"]["role"] == "PROVINCE"
    city = (await api.query(ME, token=api.token(Role.CITY, region="350128")))["me"]
    assert city == {"role": "CITY", "region": {"code": "350128"}, "agency": None}
    agency = (await api.query(ME, token=api.token(Role.AGENCY, agency=code)))["me"]
    assert agency["role"] == "AGENCY" and agency["agency"] == {"creditCode": code}


@pytest.mark.parametrize(
    "case",
    [
        "expired",
        "bad_signature",
        "alg_none",
        "tampered",
        "unknown_role",
        "city_without_region",
        "city_unknown_region",
        "agency_unknown",
        "public_role_signed",
        "garbage",
        "no_exp",
    ],
)
async def test_bad_tokens_are_refused_with_401(api, case: str) -> None:  # type: ignore[no-untyped-def]
    secret = api.settings.jwt_secret
    assert secret is not None
    tokens = {
        "expired": jwt.encode(
            _claims(role="PROVINCE", exp=datetime.now(UTC) - timedelta(seconds=5)),
            secret,
            algorithm="HS256",
        ),
        "bad_signature": jwt.encode(
            _claims(role="PROVINCE"), "another-secret-" * 3, algorithm="HS256"
        ),
        # PyJWT signs "none" with no key; its stubs want one.
        "alg_none": jwt.encode(
            _claims(role="PROVINCE"),
            None,  # type: ignore[arg-type]
            algorithm="none",
        ),
        "unknown_role": jwt.encode(_claims(role="ADMIN"), secret, algorithm="HS256"),
        "city_without_region": jwt.encode(_claims(role="CITY"), secret, algorithm="HS256"),
        "city_unknown_region": jwt.encode(
            _claims(role="CITY", region="350000"), secret, algorithm="HS256"
        ),
        "agency_unknown": jwt.encode(
            _claims(role="AGENCY", agency="91350100M000100Y43"), secret, algorithm="HS256"
        ),
        "public_role_signed": jwt.encode(_claims(role="PUBLIC"), secret, algorithm="HS256"),
        "garbage": "not-a-token",
        "no_exp": jwt.encode({"sub": "t", "role": "PROVINCE"}, secret, algorithm="HS256"),
    }
    if case == "tampered":
        # Take a genuine CITY token and rewrite its payload to claim PROVINCE.
        head, _, sig = api.token(Role.CITY, region="350200").split(".")
        payload = (
            base64.urlsafe_b64encode(json.dumps(_claims(role="PROVINCE"), default=str).encode())
            .decode()
            .rstrip("=")
        )
        tokens[case] = f"{head}.{payload}.{sig}"
    status, body = await _status(api, tokens[case])
    assert status == 401, body
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "data" not in body


async def test_non_bearer_scheme_is_refused(api) -> None:  # type: ignore[no-untyped-def]
    response = await api.client.post(
        "/graphql", json={"query": ME}, headers={"Authorization": "Basic dXNlcjpwYXNz"}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def _asymmetric_app(tmp_path: Path, kind: str) -> tuple[object, str]:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    if kind == "RS256":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        path = tmp_path / "idp.pem"
        path.write_bytes(pem)
        settings = Settings(
            REGISTRY_JWT_PUBLIC_KEY_FILE=path,
            REGISTRY_JWT_ISSUER="https://idp.example",
            REGISTRY_JWT_AUDIENCE="registry",
        )
    else:
        ec_key = ec.generate_private_key(ec.SECP256R1())
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(ec_key.public_key()))
        key = ec_key
        jwk.update({"kid": "k1", "use": "sig", "alg": "ES256"})
        path = tmp_path / "jwks.json"
        path.write_text(json.dumps({"keys": [jwk]}))
        settings = Settings(
            REGISTRY_JWKS_FILE=path,
            REGISTRY_JWT_ISSUER="https://idp.example",
            REGISTRY_JWT_AUDIENCE="registry",
        )
    token = jwt.encode(
        _claims(role="CITY", region="350500", iss="https://idp.example", aud="registry"),
        key,
        algorithm=kind,
        headers={"kid": "k1"},
    )
    return create_app(settings, manage_database=False), token


@pytest.mark.parametrize("kind", ["RS256", "ES256"])
async def test_identity_provider_keys(database, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    import httpx

    app, token = _asymmetric_app(tmp_path, kind)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
        base_url="http://registry.test",
    ) as c:
        ok = await c.post(
            "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}
        )
        assert ok.status_code == 200
        assert ok.json()["data"]["me"]["region"] == {"code": "350500"}
        # A forged signature, and a token for another audience, are refused.
        head, payload, sig = token.split(".")
        forged = f"{head}.{payload}.{sig[:-4]}AAAA"
        bad = await c.post(
            "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {forged}"}
        )
        assert bad.status_code == 401
        wrong_aud = jwt.encode(
            _claims(role="PROVINCE", iss="https://idp.example", aud="other"),
            "x" * 40,
            algorithm="HS256",
        )
        assert (
            await c.post(
                "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {wrong_aud}"}
            )
        ).status_code == 401


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValueError, match="development"):
        Settings(REGISTRY_ENV="production", REGISTRY_JWT_SECRET=DEVELOPMENT_SECRET)
    with pytest.raises(ValueError, match="REGISTRY_JWT_SECRET"):
        Settings(REGISTRY_ENV="production")
    assert Settings(REGISTRY_ENV="production", REGISTRY_JWT_SECRET="s" * 40).production


def test_cli_mints_tokens_the_server_accepts(settings: Settings) -> None:
    token = mint_token(settings, Role.CITY, region="350200")
    assert settings.jwt_secret is not None
    claims = jwt.decode(token, settings.jwt_secret, algorithms=["HS256"])
    assert claims["role"] == "CITY" and claims["region"] == "350200"
