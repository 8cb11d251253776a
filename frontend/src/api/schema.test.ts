import { readFileSync } from "node:fs";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";

// backend/tests/test_openapi.py checks openapi.json against the app; this checks that schema.d.ts, which every
// API type of the SPA comes from, is what openapi-typescript makes of that file. Paths are relative to frontend/.
test("schema.d.ts is generated from the committed openapi.json (run `make client`)", async () => {
  const spec = readFileSync("openapi.json", "utf8");
  const generated = COMMENT_HEADER + astToString(await openapiTS(spec, { silent: true }));
  const committed = readFileSync("src/api/schema.d.ts", "utf8");
  expect(generated === committed, "src/api/schema.d.ts is stale: run `make client`").toBe(true);
});
