"""Login limits per client address and per account; forwarded headers believed only from configured proxies."""

import random
import re
from contextlib import asynccontextmanager

import httpx
import pytest

from app.core.config import get_settings
from tests.conftest import ROOT, make_user, unique_email

LOGIN = "/api/v1/auth/login"


def _address() -> str:
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


@asynccontextmanager
async def _from(app, address: str):
    """A client whose connection comes from this address."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def _attempt(c, email: str, password: str = "wrong", **kw) -> httpx.Response:
    return await c.post(LOGIN, json={"email": email, "password": password}, **kw)


def _assert_limited(r: httpx.Response) -> None:
    assert r.status_code == 429 and r.json()["error"] == "rate_limited", r.text
    retry = int(r.headers["Retry-After"])
    assert 1 <= retry <= get_settings().login_window_seconds and r.json()["retry_after"] == retry


async def test_spraying_many_accounts_from_one_address_is_limited(app, monkeypatch):
    monkeypatch.setattr(get_settings(), "login_max_attempts_per_address", 8)
    async with _from(app, _address()) as c:
        codes = [(await _attempt(c, unique_email("spray"))).status_code for _ in range(30)]
        assert codes[:8] == [401] * 8 and set(codes[8:]) == {429}
        _assert_limited(await _attempt(c, unique_email("spray")))
    async with _from(app, _address()) as other:  # another address is not affected
        assert (await _attempt(other, unique_email("spray"))).status_code == 401


async def test_guesses_spread_over_addresses_lock_the_account(app):
    user = await make_user()
    limit = get_settings().login_max_attempts
    for _ in range(limit):
        async with _from(app, _address()) as c:
            assert (await _attempt(c, user.email)).status_code == 401
    async with _from(app, _address()) as c:
        _assert_limited(await _attempt(c, user.email, "pw-123456"))  # even the right password, from a new address


async def test_a_lock_tripped_elsewhere_does_not_lock_the_owner_out(app):
    user = await make_user()
    home = _address()
    async with _from(app, home) as owner:
        assert (await _attempt(owner, user.email, "pw-123456")).status_code == 200
    for _ in range(get_settings().login_max_attempts + 3):
        async with _from(app, _address()) as attacker:
            await _attempt(attacker, user.email)
    async with _from(app, _address()) as attacker:
        _assert_limited(await _attempt(attacker, user.email))
    async with _from(app, home) as owner:
        assert (await _attempt(owner, user.email, "pw-123456")).status_code == 200
        assert (await _attempt(owner, user.email)).status_code == 401  # a wrong password is still just wrong


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(app, monkeypatch):
    monkeypatch.setattr(get_settings(), "login_max_attempts_per_address", 5)
    async with _from(app, _address()) as c:
        codes = [(await _attempt(c, unique_email("xff"), headers={"X-Forwarded-For": _address()})).status_code
                 for _ in range(7)]
    assert codes == [401] * 5 + [429] * 2


async def test_forwarded_for_from_a_configured_proxy_names_the_client(monkeypatch):
    from app.main import create_app

    proxy = _address()
    monkeypatch.setattr(get_settings(), "forwarded_allow_ips", proxy)
    monkeypatch.setattr(get_settings(), "login_max_attempts_per_address", 3)
    proxied = create_app()
    client_a = _address()
    async with _from(proxied, proxy) as c:
        codes = [(await _attempt(c, unique_email("p"), headers={"X-Forwarded-For": client_a})).status_code
                 for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        # Each client behind the proxy has its own count; the proxy itself is never limited as one client.
        assert (await _attempt(c, unique_email("p"), headers={"X-Forwarded-For": _address()})).status_code == 401


def _uvicorn_commands() -> list[str]:
    stack = (ROOT / "infra" / "scripts" / "stack.py").read_text(encoding="utf-8")
    docker = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "infra").glob("*.Dockerfile"))
    commands = re.findall(r"^UVICORN = .*$", stack, re.M) + re.findall(r"exec uvicorn [^\"]*", docker)
    assert len(commands) >= 2 and "-m\", \"uvicorn\"" not in stack.replace(commands[0], "")
    return commands


@pytest.mark.parametrize("index", [0, 1])
def test_servers_never_believe_forwarded_headers_themselves(index):
    command = _uvicorn_commands()[index]
    assert "--no-proxy-headers" in command and "--forwarded-allow-ips" not in command, command


def test_compose_trusts_only_the_nginx_front():
    yaml = pytest.importorskip("yaml")
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    web_ip = doc["services"]["web"]["networks"]["default"]["ipv4_address"]
    assert doc["services"]["api"]["environment"]["FORWARDED_ALLOW_IPS"] == web_ip
    nginx = (ROOT / "infra" / "nginx.conf").read_text(encoding="utf-8")
    assert "X-Forwarded-For $remote_addr" in nginx and "proxy_add_x_forwarded_for" not in nginx


def test_ipv6_clients_count_by_their_64_block():
    from app.auth.service import client_address

    assert client_address("2001:db8:1:2:aaaa::1") == client_address("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert client_address("2001:db8:1:3::1") != client_address("2001:db8:1:2::1")
    assert client_address("::ffff:10.1.2.3") == "10.1.2.3" and client_address("10.1.2.3") == "10.1.2.3"
    assert client_address("unknown") == "unknown"
