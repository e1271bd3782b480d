import { env } from "node:process";

// `npm start`: the production server. It runs compiled (vite.server.config.ts → build/node/start.js)
// with plain node once scripts/build-if-needed.ts has built what changed.
env.NODE_ENV ??= "production";
await import("../server/index");
