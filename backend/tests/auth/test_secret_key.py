"""The signing key: refused outside dev/test when missing, public or short; tokens must expire."""

import sys
import uuid
from datetime import UTC, datetime

import pytest
from jose import jwt

from app.core.config import Settings, get_settings
from app.core.security import InsecureSecretKey, check_secret_key
from tests.conftest import ROOT, make_user

STRONG = "k" * 16 + uuid.uuid4().hex


def _settings(env: str, key: str | None) -> Settings:
    values = {"SANGDAM_ENV": env} | ({"SECRET_KEY": key} if key is not None else {})
    return Settings(_env_file=None, **values)


def _env_example_key() -> str:
    from dotenv import dotenv_values

    return dotenv_values(ROOT / ".env.example").get("SECRET_KEY") or ""


@pytest.mark.parametrize("key", [None, "", "   ", "dev-insecure-change-me", "change-me-to-a-long-random-string",
                                 "short-but-not-public"])
def test_production_refuses_missing_public_or_short_keys(key, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(InsecureSecretKey, match="refusing to start"):
        check_secret_key(_settings("prod", key))


def test_env_example_key_is_refused_and_a_long_random_key_accepted():
    with pytest.raises(InsecureSecretKey):
        check_secret_key(_settings("prod", _env_example_key()))
    check_secret_key(_settings("prod", STRONG))
    check_secret_key(_settings("staging", STRONG))


@pytest.mark.parametrize("env", ["dev", "test"])
def test_dev_and_test_may_use_the_default(env, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    check_secret_key(_settings(env, None))


def test_app_does_not_start_in_production_with_the_default_key(monkeypatch):
    from app.main import create_app

    monkeypatch.setenv("SANGDAM_ENV", "prod")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    get_settings.cache_clear()
    try:
        with pytest.raises(InsecureSecretKey):
            create_app()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_compose_requires_a_secret_key_without_fallback():
    yaml = pytest.importorskip("yaml")
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    value = doc["services"]["api"]["environment"]["SECRET_KEY"]
    assert value.startswith("${SECRET_KEY:?"), value  # compose stops with a message when it is unset or empty


def test_make_run_generates_a_key_once_and_keeps_it(tmp_path):
    sys.path.insert(0, str(ROOT / "infra" / "scripts"))
    import stack  # type: ignore[import-not-found]

    first = stack._run_secret_key(tmp_path / "run")
    assert len(first) >= 32 and stack._run_secret_key(tmp_path / "run") == first
    assert (tmp_path / "run" / "secret_key").stat().st_mode & 0o077 == 0
    assert stack._run_secret_key(tmp_path / "other") != first
    check_secret_key(_settings("prod", first))


def _token(claims: dict) -> str:
    return jwt.encode(claims, get_settings().secret_key, algorithm="HS256")


async def test_tokens_without_expiry_or_with_another_type_are_rejected(client):
    user = await make_user()
    now = int(datetime.now(UTC).timestamp())
    for claims in ({"sub": str(user.id), "type": "access", "iat": now},
                   {"sub": str(user.id), "type": "refresh", "iat": now, "exp": now + 600},
                   {"sub": str(user.id), "type": "admin", "iat": now, "exp": now + 600},
                   {"sub": str(user.id), "iat": now, "exp": now + 600}):
        r = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {_token(claims)}"})
        assert r.status_code == 401 and r.json()["error"] == "invalid_token", claims
    ok = _token({"sub": str(user.id), "type": "access", "iat": now, "exp": now + 600})
    assert (await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {ok}"})).status_code == 200
