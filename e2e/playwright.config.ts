import { defineConfig } from "@playwright/test";
import path from "node:path";

/**
 * Journeys against a running Sangdam (API + built SPA on one origin).
 * Base URL: E2E_BASE_URL (default http://127.0.0.1:8000). Browser: Debian chromium, never a download.
 */
const baseURL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  testDir: path.join(__dirname, "tests"),
  outputDir: path.join(__dirname, "test-results", "artifacts"),
  timeout: 45_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // The journeys share the seeded demo workspace (settings are changed and restored), so run them in order.
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"], ["html", { open: "never", outputFolder: path.join(__dirname, "playwright-report") }]],
  use: {
    baseURL,
    locale: "ko-KR",
    timezoneId: "Asia/Seoul",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /.*\.setup\.ts/ },
    {
      name: "journeys",
      testMatch: /.*\.spec\.ts/,
      dependencies: ["setup"],
      use: { storageState: path.join(__dirname, ".auth", "admin.json") },
    },
  ],
});
