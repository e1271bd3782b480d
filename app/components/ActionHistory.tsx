import { Link } from "@remix-run/react";
import { isMessageKey } from "../../common/i18n";
import type { HistoryEntry } from "../../server/domain/history";
import { useLocale, useT } from "../utils/i18n";
import { RelativeTime } from "./RelativeTime";

const HISTORY_SENTENCE: Record<
  string,
  | "history.created"
  | "history.updated"
  | "history.followUp"
  | "history.comment"
  | "history.archived"
  | "history.unarchived"
> = {
  "action.created": "history.created",
  "action.updated": "history.updated",
  "action.archived": "history.archived",
  "action.unarchived": "history.unarchived",
  "followup.saved": "history.followUp",
  "comment.added": "history.comment",
};

/**
 * Changes told by their sentence alone: creation lists every field (the summary above shows
 * them), archiving changes nothing but that.
 */
const SENTENCE_ONLY = new Set([
  "action.created",
  "comment.added",
  "action.archived",
  "action.unarchived",
]);

type Goal = { id: string; position: number; title: string };

/**
 * Who changed what and when, each changed field spelled out with names rather than ids, a page
 * at a time: the older changes are a link away (a plain link, so it works without JavaScript).
 */
export function ActionHistory({
  history,
  older,
  names,
  goals,
}: {
  history: HistoryEntry[];
  /** Where the next, older page starts; null on the last page. */
  older: string | null;
  /** Display names of the departments, people, documents and periods the history mentions. */
  names: Record<string, string>;
  goals: Goal[];
}) {
  const t = useT();
  const locale = useLocale();
  const fieldName = (field: string) => {
    const key = `actionPage.field.${field}`;
    const name = isMessageKey(key) ? t(key) : field;
    return name.charAt(0).toLocaleUpperCase(locale) + name.slice(1);
  };
  const show = (field: string, value: unknown): string => {
    if (value === null || value === "" || (Array.isArray(value) && value.length === 0))
      return t("actionPage.none");
    if (Array.isArray(value)) return value.map((v) => show(field, v)).join(", ");
    const text = String(value);
    const key = field === "status" ? `status.${text}` : `assessment.${text}`;
    if ((field === "status" || field === "assessment") && isMessageKey(key)) return t(key);
    if (field === "progress") return t("actionList.progressValue", { value: text });
    const goal = field === "goalId" ? goals.find((g) => g.id === text) : undefined;
    if (goal) return t("actionPage.goal", { number: goal.position, title: goal.title });
    return names[text] ?? text;
  };
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">{t("actionPage.history")}</h2>
      <ol className="timeline">
        {history.map((entry) => {
          const sentence = HISTORY_SENTENCE[entry.action];
          const changes = SENTENCE_ONLY.has(entry.action) ? [] : Object.entries(entry.changes);
          return (
            <li key={entry.id}>
              <p>
                {sentence
                  ? t(sentence, {
                      name: entry.actorName ?? t("actionPage.unknownPerson"),
                      period: entry.periodId ? (names[entry.periodId] ?? "") : "",
                    })
                  : entry.action}{" "}
                <span className="meta">
                  <RelativeTime iso={entry.at} />
                </span>
              </p>
              {changes.length > 0 && (
                <ul>
                  {changes.map(([field, [from, to]]) => (
                    <li key={field}>
                      {t("history.change", {
                        field: fieldName(field),
                        from: show(field, from),
                        to: show(field, to),
                      })}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ol>
      {older && (
        <p>
          <Link to={`?${new URLSearchParams({ historik: older })}#history-heading`}>
            {t("history.older")}
          </Link>
        </p>
      )}
    </section>
  );
}
