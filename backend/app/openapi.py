"""Write the API's OpenAPI document as stable text: `python -m app.openapi [PATH]` (stdout without PATH).

`make client` commits it as frontend/openapi.json, and the SPA's types are generated from that file; keys are
sorted so that the text depends only on the routes and schemas, not on the order routers were included in.
"""

import json
import os
import sys
from pathlib import Path


def openapi_text() -> str:
    """Return the app's OpenAPI document as sorted, indented JSON with a final newline."""
    os.environ.setdefault("PRELOAD_MODELS", "0")
    from app.main import create_app

    return json.dumps(create_app().openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    text = openapi_text()
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
