"""The committed OpenAPI document (frontend/openapi.json), which the SPA's types are generated from, is the app's."""

import json
from pathlib import Path

from app.openapi import openapi_text

COMMITTED = Path(__file__).resolve().parents[2] / "frontend" / "openapi.json"


def test_committed_openapi_matches_the_app():
    current = openapi_text()
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else ""
    assert current == committed, (
        "frontend/openapi.json differs from the app's OpenAPI: run `make client` and commit "
        "frontend/openapi.json and frontend/src/api/schema.d.ts")


def test_every_route_has_a_response_model():
    spec = json.loads(openapi_text())
    missing = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            for status, response in op["responses"].items():
                if status.startswith("2") and status != "204" and not response.get("content", {}).get(
                        "application/json", {}).get("schema"):
                    missing.append(f"{method.upper()} {path} {status}")
    assert not missing, f"routes without a response model: {missing}"
