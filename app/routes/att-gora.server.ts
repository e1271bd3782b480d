import { data, redirect } from "@remix-run/node";
import type { Executor } from "../../db";
import { BatchRefused, ConflictError } from "../../server/domain/errors";
import { type ActionReport, reportOnActions } from "../../server/domain/followups";
import type { Actor } from "../../server/domain/policy";
import { type FormFailure, type FormValues, formFailure, formValues } from "../utils/route.server";

/**
 * What saving reports answers the page's script: the cards saved, or every submitted card with
 * its input (and its refusal, if it had one) when nothing was saved.
 */
export type ReportsResult =
  | { ok: true; saved: string[] }
  | { ok: false; intent: string; cards: Record<string, FormFailure> };

/** One card's report as the domain expects it; `read` gives a field of that card. */
function reportFrom(read: (field: string) => FormDataEntryValue | null): ActionReport {
  const dueDate = read("dueDate");
  return {
    version: read("version"),
    status: String(read("status") ?? ""),
    progress: String(read("progress") ?? ""),
    ...(dueDate !== null && { dueDate: String(dueDate) }),
    assessment: read("assessment") ?? undefined,
    comment: String(read("comment") ?? ""),
    confirmMismatch: read("confirmMismatch") !== null,
  };
}

/** A card's own fields out of "Spara alla ändrade", which sends them as `<actionId>.<field>`. */
function cardValues(form: FormData, actionId: string): FormValues {
  const prefix = `${actionId}.`;
  return Object.fromEntries(
    Object.entries(formValues(form)).flatMap(([name, value]) =>
      name.startsWith(prefix) ? [[name.slice(prefix.length), value]] : [],
    ),
  );
}

/**
 * Saves the reports of `actionIds`, all or none: one card's own form (intent `report:<id>`) or
 * every changed card at once (`reportAll`). The page's script (`inPlace`) gets an answer to stay
 * where it is; without a script the browser is sent back to the saved card.
 */
export async function saveReports(db: Executor, actor: Actor, form: FormData, actionIds: string[]) {
  const intent = String(form.get("intent"));
  const batch = intent === "reportAll";
  const fieldsOf = (id: string) => (field: string) => form.get(batch ? `${id}.${field}` : field);
  try {
    await reportOnActions(
      db,
      actor,
      String(form.get("periodId") ?? ""),
      actionIds.map((actionId) => ({ actionId, input: reportFrom(fieldsOf(actionId)) })),
    );
  } catch (error) {
    if (!(error instanceof BatchRefused)) throw error;
    const cards: Record<string, FormFailure> = {};
    for (const id of actionIds) {
      const values = batch ? cardValues(form, id) : formValues(form);
      cards[id] = formFailure(error.failures.get(id), values, intent)?.failure ?? {
        ok: false,
        fieldErrors: {},
        values,
        intent,
      };
    }
    const stale = [...error.failures.values()].some((f) => f instanceof ConflictError);
    return data<ReportsResult>({ ok: false, intent, cards }, { status: stale ? 409 : 400 });
  }
  if (form.has("inPlace")) return data<ReportsResult>({ ok: true, saved: actionIds });
  const [first] = actionIds;
  return redirect(first ? `/att-gora?sparad=${first}#action-${first}` : "/att-gora", 303);
}
