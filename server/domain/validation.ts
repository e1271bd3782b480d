import type { z } from "zod";
import { containsIdentityNumber } from "../../common/personnummer";
import { ValidationError } from "./errors";

/** Parses input or throws a ValidationError whose messages are i18n keys, one per field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(fieldsOf(result.error));
}

/** The first message key per field of a failed parse. */
export function fieldsOf(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    fields[field] ??= issue.message.startsWith("validation.")
      ? issue.message
      : "validation.invalid";
  }
  return fields;
}

/**
 * A free-text field: the portal stores no personal identity numbers in any written form
 * (see common/personnummer.ts), so every text a person writes is built with this.
 */
export function freeText(text: z.ZodString): z.ZodString {
  return text.refine((value) => !containsIdentityNumber(value), "validation.identityNumber");
}
