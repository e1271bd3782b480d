import type { FormValues } from "./route.server";

/** The body of the 400 answer to a form that could not be read; the ErrorBoundary explains it. */
export const UNREADABLE_FORM = "unreadable-form";
/** The same for a form holding a character that cannot be stored (NUL). */
export const FORBIDDEN_CHARACTER = "forbidden-character";

/** Reads one value echoed back after a failed submit, falling back to what was stored. */
export function echoed(values: FormValues | undefined, name: string, fallback = ""): string {
  const value = values?.[name];
  return typeof value === "string" ? value : fallback;
}

/** The same for checkbox groups: after a failed submit, exactly what the person had ticked. */
export function echoedList(
  values: FormValues | undefined,
  name: string,
  fallback: readonly string[],
): readonly string[] {
  if (!values) return fallback;
  const value = values[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
