import { buildIfNeeded } from "../../scripts/build-if-needed";

/** Integration and browser tests run against the production build, built once per run. */
export default async function setup() {
  await buildIfNeeded();
}
