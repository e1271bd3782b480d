import type { z } from "zod";
import { findIdentityNumbers } from "../../common/personnummer";
import { ValidationError } from "./errors";

/** Parses input or throws a ValidationError whose messages are i18n keys, one per field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    fields[field] ??= issue.message.startsWith("validation.")
      ? issue.message
      : "validation.invalid";
  }
  throw new ValidationError(fields);
}

/** Free text must not carry personal identity numbers; names the first field that does. */
export function assertNoIdentityNumbers(fields: Record<string, string | undefined>): void {
  const found: Record<string, string> = {};
  for (const [field, text] of Object.entries(fields)) {
    if (text && findIdentityNumbers(text).length > 0) found[field] = "validation.identityNumber";
  }
  if (Object.keys(found).length > 0) throw new ValidationError(found);
}
