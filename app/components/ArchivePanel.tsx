import { Form } from "@remix-run/react";
import { useT } from "../utils/i18n";
import type { FormFailure } from "../utils/route.server";
import { CheckboxField, ErrorSummary } from "./FormFields";

const INTENTS = ["archive", "unarchive", "delete"];

/** What an archived action or document says first, in words (ADR 0031). */
export function ArchivedNotice({ children }: { children: React.ReactNode }) {
  const t = useT();
  return (
    <p className="warning" id="arkiverad">
      <strong>{t("archive.archived")}.</strong> {children}
    </p>
  );
}

/**
 * Archive, restore from the archive and, for admins, delete for good once archived. Plain forms:
 * deleting asks for a ticked box first, so it works the same without JavaScript.
 */
export function ArchivePanel({
  archived,
  canArchive,
  canDelete,
  archiveHint,
  failure,
}: {
  archived: boolean;
  canArchive: boolean;
  canDelete: boolean;
  archiveHint: string;
  failure?: FormFailure;
}) {
  const t = useT();
  if (!canArchive && !(archived && canDelete)) return null;
  const errors =
    failure?.intent && INTENTS.includes(failure.intent) ? failure.fieldErrors : undefined;
  return (
    <section aria-labelledby="archive-heading" className="panel stack" id="arkiv">
      <h2 id="archive-heading">{t("archive.heading")}</h2>
      <ErrorSummary
        errors={errors}
        labels={{ confirmDelete: t("archive.confirmDelete") }}
        idPrefix="archive-"
      />
      {canArchive && (
        <Form method="post" className="stack">
          {!archived && <p className="hint">{archiveHint}</p>}
          <div className="button-row">
            <button
              type="submit"
              name="intent"
              value={archived ? "unarchive" : "archive"}
              className="button button-secondary"
            >
              {t(archived ? "archive.restore" : "archive.archiveAction")}
            </button>
          </div>
        </Form>
      )}
      {archived && canDelete && (
        <Form method="post" className="stack">
          <CheckboxField
            id="archive-confirmDelete"
            name="confirmDelete"
            label={t("archive.confirmDelete")}
            hint={t("archive.deleteHint")}
            error={errors?.confirmDelete}
          />
          <div className="button-row">
            <button type="submit" name="intent" value="delete" className="button button-danger">
              {t("archive.delete")}
            </button>
          </div>
        </Form>
      )}
    </section>
  );
}

/** "Arkiverad" beside an archived row's title in a list: a word, not a colour. */
export function ArchivedTag() {
  const t = useT();
  return <span className="badge badge-muted archived-tag">{t("archive.archived")}</span>;
}

/** A list filter's "Visa arkiverade": archived rows shown beside the others (`archived=all`). */
export function ShowArchivedField({ id, checked }: { id: string; checked: boolean }) {
  const t = useT();
  return (
    <div className="checkbox">
      <input type="checkbox" id={id} name="archived" value="all" defaultChecked={checked} />
      <label htmlFor={id}>{t("archive.showArchived")}</label>
    </div>
  );
}
