import type { Migration } from "kysely";
import * as foundation from "./0001_foundation";

/** Listed statically so migrations run the same from source, a bundle or a test. Never edit a landed one. */
export const migrations: Record<string, Migration> = {
  "0001_foundation": foundation,
};
