import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { formatDateTime, formatLongDate, formatRelative } from "../../common/format";
import type { Translate } from "../../common/i18n";
import type { Locale } from "../../db/schema";
import type { ChangeItem, ChangeKind, FieldChange } from "../../server/domain/changes";
import { useLocale, useT } from "../utils/i18n";

/** The sentence each kind of change is told in; `{subject}` becomes a link to what changed. */
const SENTENCE: Record<ChangeKind, Parameters<Translate>[0]> = {
  "action.created": "changes.actionCreated",
  "action.updated": "changes.actionUpdated",
  "followup.saved": "changes.followUp",
  "comment.added": "changes.comment",
  "document.created": "changes.documentCreated",
  "document.updated": "changes.documentUpdated",
  "document.adopted": "changes.documentAdopted",
  "document.version-created": "changes.documentVersion",
  "document.version-restored": "changes.documentRestored",
  "period-report.completed": "changes.completed",
  "period-report.reopened": "changes.reopened",
  "report.adopted": "changes.adopted",
};

/** One value as people read it: "Enligt plan", "Pågående", "40 %", "14 januari 2021". */
function valueText(
  t: Translate,
  locale: Locale,
  change: ChangeItem,
  field: FieldChange["field"],
  value: string | number | null,
) {
  if (value === null) return "–";
  const text = String(value);
  switch (field) {
    case "assessment":
      return t(`assessment.${text}` as Parameters<Translate>[0]);
    case "status":
      return change.subject?.type === "document"
        ? t(`documentStatus.${text}` as Parameters<Translate>[0])
        : t(`status.${text}` as Parameters<Translate>[0]);
    case "kind":
      return t(`documentKind.${text}` as Parameters<Translate>[0]);
    case "progress":
      return `${text} %`;
    case "startDate":
    case "dueDate":
      return formatLongDate(text, locale);
    default:
      return `”${text}”`;
  }
}

/** "status Pågående → Genomförd; genomfört 40 % → 100 %; ny beskrivning". */
function whatChanged(t: Translate, locale: Locale, change: ChangeItem): string {
  if (change.kind === "followup.saved") {
    const [assessment] = change.fields;
    return t("changes.fromTo", {
      from: valueText(t, locale, change, "assessment", assessment?.from ?? null),
      to: valueText(t, locale, change, "assessment", assessment?.to ?? null),
    });
  }
  if (change.fields.length === 0) return t("changes.edited");
  return change.fields
    .map((f) =>
      f.from === null && f.to === null
        ? t(`changes.named.${f.field}` as Parameters<Translate>[0])
        : `${t(`changes.field.${f.field}` as Parameters<Translate>[0])} ${t("changes.fromTo", {
            from: valueText(t, locale, change, f.field, f.from),
            to: valueText(t, locale, change, f.field, f.to),
          })}`,
    )
    .join("; ");
}

function subjectLink(change: ChangeItem): ReactNode {
  if (change.subject) {
    const to =
      change.subject.type === "document"
        ? `/dokument/${change.subject.id}`
        : `/atgarder/${change.subject.id}`;
    return <Link to={to}>{change.subject.title ?? "–"}</Link>;
  }
  return null;
}

/** One change in words, with who made it and when. */
function ChangeLine({ change }: { change: ChangeItem }) {
  const t = useT();
  const locale = useLocale();
  const sentence = t(SENTENCE[change.kind], {
    department: change.departmentName ?? "–",
    period: change.periodName ?? "–",
    change: whatChanged(t, locale, change),
  });
  const [before, after] = sentence.split("{subject}");
  const subject = subjectLink(change);
  return (
    <li>
      {change.kind === "report.adopted" && change.periodId ? (
        <Link to={`/rapporter/${change.periodId}`}>{sentence}</Link>
      ) : (
        <>
          {before}
          {after !== undefined && subject}
          {after}
        </>
      )}{" "}
      <span className="meta">
        {t("changes.by", { name: change.actorName ?? t("dashboard.someone") })}{" "}
        <time dateTime={change.at} title={formatDateTime(change.at)}>
          {formatRelative(change.at, locale)}
        </time>
      </span>
    </li>
  );
}

export function ChangeList({ changes }: { changes: ChangeItem[] }) {
  return (
    <ul className="changes">
      {changes.map((change) => (
        <ChangeLine key={change.id} change={change} />
      ))}
    </ul>
  );
}
