/**
 * Lints the API's contract as it is served (/api/v1/openapi.json) with Redocly CLI and the rules
 * in redocly.yaml, where every finding is an error: writes the document to a temporary file,
 * runs `redocly lint` on it and exits with its status. Run by `npm run lint:api`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { openApiDocument } from "../server/http/openapi";

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const dir = mkdtempSync(join(tmpdir(), "samverkan-openapi-"));
const file = join(dir, "openapi.json");
writeFileSync(file, JSON.stringify(openApiDocument, null, 2));
const result = spawnSync(
  join(root, "node_modules", ".bin", "redocly"),
  ["lint", file, "--config", join(root, "redocly.yaml")],
  {
    stdio: "inherit",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  },
);
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
