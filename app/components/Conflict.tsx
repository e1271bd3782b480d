import { useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { formatDateTime } from "../../common/format";
import { isMessageKey } from "../../common/i18n";
import { useLocale, useT } from "../utils/i18n";
import type { ConflictDetails, FormValues } from "../utils/route.server";

/**
 * A save refused because someone else saved first: who changed which fields and when, and that
 * the person's own input is still in the form below. Focused when it appears, like ErrorSummary.
 */
export function ConflictNotice({ conflict, id }: { conflict: ConflictDetails; id: string }) {
  const t = useT();
  const locale = useLocale();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (conflict) ref.current?.focus();
  }, [conflict]);
  const fields = conflict.changedFields.flatMap((field) => {
    const key = `actionPage.field.${field}`;
    return isMessageKey(key) ? [t(key)] : [];
  });
  return (
    <div
      className="error-summary"
      role="alert"
      tabIndex={-1}
      ref={ref}
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`}>{t("conflict.title")}</h2>
      <p>
        {t("conflict.changed", {
          name: conflict.changedBy ?? t("conflict.someone"),
          fields:
            fields.length > 0
              ? new Intl.ListFormat(locale === "sv" ? "sv-SE" : "en-GB", {
                  type: "conjunction",
                }).format(fields)
              : t("conflict.theAction"),
          time: conflict.changedAt ? formatDateTime(conflict.changedAt) : "",
        }).trim()}
      </p>
    </div>
  );
}

type Values = Record<string, string | string[]>;

const asList = (value: unknown) =>
  (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value])
    .map(String)
    .filter(Boolean)
    .sort()
    .join("\n");

/**
 * After a refused save: the fields the person changed keep their input; the fields they left
 * alone show what is stored now, so saving again does not silently undo the other change.
 * `submitted.base` holds what the form showed when they started (see `useVersionedForm`).
 */
function keepOwnChanges(submitted: FormValues, current: Values): FormValues {
  let base: Values;
  try {
    base = JSON.parse(String(submitted.base ?? "{}"));
  } catch {
    return submitted;
  }
  const merged = { ...submitted };
  for (const [field, seen] of Object.entries(base)) {
    if (field in submitted && field in current && asList(submitted[field]) === asList(seen))
      merged[field] = current[field];
  }
  return merged;
}

/**
 * Optimistic locking for an edit form showing `current` (the stored values at `version`).
 *
 * While the viewer is not editing, the form follows other people's changes (it is re-created
 * with the current values). From their first keystroke until their save succeeds it stays on
 * the version they started from, so a save based on what they saw is refused (409) instead of
 * silently overwriting, and `stale` tells the page to offer a reload. After a refused save the
 * form builds on the version the server reported and `values` keeps what they changed.
 *
 * Render `hiddenInputs` inside the form, spread `formProps` on it and give it `key`.
 */
export function useVersionedForm(
  version: number,
  current: Values,
  failure?: { values: FormValues; conflict?: ConflictDetails },
) {
  const [dirty, setDirty] = useState(false);
  const submitted = useRef(false);
  const idle = useNavigation().state === "idle";
  useEffect(() => {
    if (!idle || !submitted.current) return;
    submitted.current = false;
    // Saved: start over from what is stored now. Refused: keep what they typed.
    if (failure === undefined) setDirty(false);
  }, [idle, failure]);

  const editing = dirty || failure !== undefined;
  const conflictVersion = failure?.conflict?.version;
  const currentRef = useRef(current);
  currentRef.current = current;
  const [base, setBase] = useState({ version: conflictVersion ?? version, values: current });
  useEffect(() => {
    // A refused save reloads the page's data, so `current` is what the server reported.
    if (conflictVersion !== undefined)
      setBase({ version: conflictVersion, values: currentRef.current });
  }, [conflictVersion]);
  useEffect(() => {
    if (!editing) setBase({ version, values: currentRef.current });
  }, [version, editing]);

  return {
    key: base.version,
    /** Changed by the viewer, or refused: not yet saved. */
    editing,
    stale: editing && version > base.version,
    /** Drops what the viewer typed: the form is re-created with the current values. */
    restart: () => setDirty(false),
    values: failure?.conflict ? keepOwnChanges(failure.values, current) : failure?.values,
    hiddenInputs: (
      <>
        <input type="hidden" name="version" value={base.version} />
        <input type="hidden" name="base" value={JSON.stringify(base.values)} />
      </>
    ),
    formProps: {
      onChange: () => setDirty(true),
      onSubmit: () => {
        submitted.current = true;
      },
    },
  };
}
