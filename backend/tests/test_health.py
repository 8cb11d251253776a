async def test_healthz(client):
    r = await client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


async def test_readyz_checks_database_migrations_and_redis(client):
    r = await client.get("/readyz")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["status"], body["checks"]) == ("ok", {"database": "ok", "migrations": "ok", "redis": "ok"})
    # This process's load figures (make bench samples them): nothing checked out once the check is done.
    assert body["load"]["db_pool"]["checked_out"] == 0
    assert body["load"]["chat_planning"] == {"active": 0, "waiting": 0, "limit": 8, "queue": 64}


async def test_unknown_api_route_is_a_404_envelope(client):
    r = await client.get("/api/v1/nope")
    assert r.status_code == 404
    assert r.json() == {"error": "not_found", "message": "No such API route."}
    r = await client.get("/api/v1/workspaces/not-a-uuid/nope/deeper")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


async def test_wrong_method_uses_the_envelope(client):
    r = await client.put("/api/v1/auth/login", json={})
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"


async def test_unknown_api_path_is_404_for_every_method(client):
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        r = await client.request(method, "/api/v1/no-such-thing")
        assert r.status_code == 404 and r.json()["error"] == "not_found", method
