import { data } from "@remix-run/node";
import { ConflictError, ValidationError } from "../../server/domain/errors";
import { ForbiddenError, NotFoundError } from "../../server/domain/policy";
import { FORBIDDEN_CHARACTER, UNREADABLE_FORM } from "./forms";

/** Turns domain refusals into the HTTP answers the ErrorBoundary shows. */
function toResponse(error: unknown): unknown {
  if (error instanceof NotFoundError) return new Response("Not Found", { status: 404 });
  if (error instanceof ForbiddenError) return new Response("Forbidden", { status: 403 });
  // Outside a form (a hand-edited address, say) invalid input is a bad request, not a crash.
  if (error instanceof ValidationError) return new Response("Bad Request", { status: 400 });
  return error;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A urlencoded body, strictly: bytes or escapes that are not UTF-8 throw instead of becoming "�". */
function parseUrlEncoded(body: ArrayBuffer): FormData {
  const form = new FormData();
  for (const pair of utf8.decode(body).split("&")) {
    if (pair === "") continue;
    const at = pair.includes("=") ? pair.indexOf("=") : pair.length;
    const decode = (part: string) => decodeURIComponent(part.replaceAll("+", " "));
    form.append(decode(pair.slice(0, at)), decode(pair.slice(at + 1)));
  }
  return form;
}

/**
 * The submitted form. A body that cannot be read as one (a broken multipart upload, a wrong
 * content type, bytes that are not UTF-8) is the sender's mistake: a 400 page that says so, not
 * a crash. So is a NUL character, which PostgreSQL cannot store.
 */
export async function readForm(request: Request): Promise<FormData> {
  let form: FormData;
  try {
    const type = request.headers.get("Content-Type") ?? "";
    form = type.startsWith("application/x-www-form-urlencoded")
      ? parseUrlEncoded(await request.arrayBuffer())
      : await request.formData();
  } catch {
    throw new Response(UNREADABLE_FORM, { status: 400 });
  }
  for (const [name, value] of form) {
    if (name.includes("\u0000") || (typeof value === "string" && value.includes("\u0000")))
      throw new Response(FORBIDDEN_CHARACTER, { status: 400 });
  }
  return form;
}

export async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toResponse(error);
  }
}

export type FormValues = Record<string, string | string[]>;
/** Who saved in between, so a refused save can say who changed what and when. */
export interface ConflictDetails {
  /** The current version: the next save builds on it. */
  version: number;
  changedBy: string | null;
  changedAt: string | null;
  changedFields: string[];
}
export interface FormFailure {
  ok: false;
  fieldErrors: Record<string, string>;
  values: FormValues;
  intent?: string;
  conflict?: ConflictDetails;
}

/**
 * Every field of a form as strings, repeated names as arrays; echoed back so nothing typed is lost.
 * Passwords never are: not into the page, nor to anyone looking over an admin's shoulder.
 */
export function formValues(formData: FormData): FormValues {
  const values: FormValues = {};
  for (const key of new Set(formData.keys())) {
    if (/password/i.test(key)) continue;
    const all = formData.getAll(key).map(String);
    values[key] = all.length > 1 ? all : all[0];
  }
  return values;
}

/**
 * A refused command as what the form shows: invalid input (400) or a stale version (409) with
 * the person's own input; null for any other error.
 */
export function formFailure(
  error: unknown,
  values: FormValues,
  intent: string | undefined,
): { failure: FormFailure; status: 400 | 409 } | null {
  if (error instanceof ValidationError)
    return { failure: { ok: false, fieldErrors: error.fields, values, intent }, status: 400 };
  if (error instanceof ConflictError) {
    const { version, changedBy, changedAt, changedFields } = error.current;
    const conflict = {
      version,
      changedBy: changedBy ?? null,
      changedAt: changedAt ? new Date(changedAt).toISOString() : null,
      changedFields: changedFields ?? [],
    };
    return {
      failure: {
        ok: false,
        fieldErrors: { form: "validation.conflict" },
        values,
        intent,
        conflict,
      },
      status: 409,
    };
  }
  return null;
}

/**
 * Runs a form's command: invalid input and stale versions come back as field errors with the
 * user's own input (status 400/409), refusals become 403/404.
 */
export async function runForm<T>(formData: FormData, work: () => Promise<T>) {
  try {
    return await work();
  } catch (error) {
    const values = formValues(formData);
    const intent = typeof values.intent === "string" ? values.intent : undefined;
    const refused = formFailure(error, values, intent);
    if (refused) return data<FormFailure>(refused.failure, { status: refused.status });
    throw toResponse(error);
  }
}

/** A deletion form's box must be ticked first; refused otherwise, naming the box. */
export function assertDeletionConfirmed(form: FormData): void {
  if (form.get("confirmDelete") !== "on")
    throw new ValidationError({ confirmDelete: "validation.confirmDelete" });
}

/** A form's commands by intent name; each gets what follows the name (`followup:<periodId>`). */
export type Intents<T = Response> = Record<string, (argument: string) => Promise<T>>;

/**
 * Runs the command a form's `intent` names (`name` or `name:argument`); an intent the page does
 * not have is a bad request.
 */
export function dispatchIntent<T = Response>(form: FormData, intents: Intents<T>): Promise<T> {
  const [name, ...rest] = String(form.get("intent") ?? "").split(":");
  if (!Object.hasOwn(intents, name)) throw new Response("Bad Request", { status: 400 });
  return intents[name](rest.join(":"));
}

// Only the host matters: the target is resolved against it and must stay on it.
const OWN_ORIGIN = "http://samverkan.invalid";
// C0 and C1 control characters: browsers strip tabs and newlines from URLs, so `/\t/evil.example`
// would become `//evil.example`; in a Location header they would split it.
const CONTROL_CHARACTERS = /\p{Cc}/u;

/**
 * A path on this site to send someone to after a form, or `/`: the target is parsed as a URL
 * against our own origin and must land there, so `//evil.example`, `/\\evil.example` and
 * `/%09/evil.example` cannot send people elsewhere. Characters beyond ASCII come back
 * percent-encoded, as a Location header needs.
 */
export function safeRedirect(target: FormDataEntryValue | string | null): string {
  const path = typeof target === "string" ? target : "";
  if (!path.startsWith("/") || CONTROL_CHARACTERS.test(path)) return "/";
  let url: URL;
  try {
    url = new URL(path, OWN_ORIGIN);
  } catch {
    return "/";
  }
  // `/.//evil.example` resolves to the path `//evil.example`, which a browser reads as a host.
  if (url.origin !== OWN_ORIGIN || url.pathname.startsWith("//")) return "/";
  return url.pathname + url.search + url.hash;
}
