import { data } from "@remix-run/node";
import { ConflictError, ValidationError } from "../../server/domain/errors";
import { ForbiddenError, NotFoundError } from "../../server/domain/policy";
import { UNREADABLE_FORM } from "./forms";

/** Turns domain refusals into the HTTP answers the ErrorBoundary shows. */
function toResponse(error: unknown): unknown {
  if (error instanceof NotFoundError) return new Response("Not Found", { status: 404 });
  if (error instanceof ForbiddenError) return new Response("Forbidden", { status: 403 });
  // Outside a form (a hand-edited address, say) invalid input is a bad request, not a crash.
  if (error instanceof ValidationError) return new Response("Bad Request", { status: 400 });
  return error;
}

/**
 * The submitted form. A body that cannot be read as one (a broken multipart upload, a wrong
 * content type) is the sender's mistake: a 400 page that says so, not a crash.
 */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new Response(UNREADABLE_FORM, { status: 400 });
  }
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

/** Every field of a form as strings, repeated names as arrays; echoed back so nothing typed is lost. */
export function formValues(formData: FormData): FormValues {
  const values: FormValues = {};
  for (const key of new Set(formData.keys())) {
    if (key === "password") continue;
    const all = formData.getAll(key).map(String);
    values[key] = all.length > 1 ? all : all[0];
  }
  return values;
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
    if (error instanceof ValidationError) {
      return data<FormFailure>(
        { ok: false, fieldErrors: error.fields, values, intent },
        { status: 400 },
      );
    }
    if (error instanceof ConflictError) {
      const { version, changedBy, changedAt, changedFields } = error.current;
      const conflict = {
        version,
        changedBy: changedBy ?? null,
        changedAt: changedAt ? new Date(changedAt).toISOString() : null,
        changedFields: changedFields ?? [],
      };
      return data<FormFailure>(
        { ok: false, fieldErrors: { form: "validation.conflict" }, values, intent, conflict },
        { status: 409 },
      );
    }
    throw toResponse(error);
  }
}

/** A form's commands by intent name; each gets what follows the name (`followup:<periodId>`). */
export type Intents = Record<string, (argument: string) => Promise<Response>>;

/**
 * Runs the command a form's `intent` names (`name` or `name:argument`); an intent the page does
 * not have is a bad request.
 */
export function dispatchIntent(form: FormData, intents: Intents): Promise<Response> {
  const [name, ...rest] = String(form.get("intent") ?? "").split(":");
  if (!Object.hasOwn(intents, name)) throw new Response("Bad Request", { status: 400 });
  return intents[name](rest.join(":"));
}

/** Only local paths, never `//other.site`, so a form cannot send people elsewhere. */
export function safeRedirect(target: FormDataEntryValue | string | null): string {
  const path = typeof target === "string" ? target : "";
  return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\") ? path : "/";
}
