import { buildIfNeeded } from "./build-if-needed";

// `npm start` is the production server; it builds first when the sources changed.
process.env.NODE_ENV ??= "production";
await buildIfNeeded();
await import("../server/index");
