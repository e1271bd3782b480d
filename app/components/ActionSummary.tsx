import { formatDate } from "../../common/format";
import type { ActionDetails, DisplayStatus } from "../../server/domain/actions";
import { useT } from "../utils/i18n";
import { useActionFieldLabels } from "./ActionFields";
import { RelativeTime } from "./RelativeTime";
import { StatusBadge } from "./StatusBadge";

/** The action page's facts: goal, status, progress, departments, owner, dates, last change. */
export function ActionSummary({
  item,
  shownStatus,
  involvedNames,
}: {
  item: ActionDetails;
  shownStatus: DisplayStatus;
  involvedNames: string[];
}) {
  const t = useT();
  const labels = useActionFieldLabels();
  return (
    <section aria-labelledby="summary-heading" className="panel">
      <h2 id="summary-heading" className="visually-hidden">
        {t("actionPage.summary")}
      </h2>
      <dl className="summary-list">
        <dt>{labels.goalId}</dt>
        <dd>{t("actionPage.goal", { number: item.goalPosition, title: item.goalTitle })}</dd>
        <dt>{labels.status}</dt>
        <dd>
          <StatusBadge status={shownStatus} />
        </dd>
        <dt>{t("actionList.progress")}</dt>
        <dd>
          <span className="progress-bar" aria-hidden="true">
            <span style={{ width: `${item.progress}%` }} />
          </span>{" "}
          {t("actionList.progressValue", { value: item.progress })}
        </dd>
        <dt>{labels.departmentId}</dt>
        <dd>{item.departmentName}</dd>
        <dt>{labels.involvedDepartmentIds}</dt>
        <dd>{involvedNames.length > 0 ? involvedNames.join(", ") : t("actionPage.none")}</dd>
        <dt>{labels.ownerId}</dt>
        <dd>{item.ownerName ?? t("actionPage.noOwner")}</dd>
        <dt>{labels.startDate}</dt>
        <dd>{formatDate(item.startDate)}</dd>
        <dt>{labels.dueDate}</dt>
        <dd>{formatDate(item.dueDate)}</dd>
        <dt>{t("actionPage.lastChanged")}</dt>
        <dd>
          {t("actionPage.changedBy", { name: item.updatedByName ?? t("actionPage.unknownPerson") })}{" "}
          <RelativeTime iso={item.updatedAt} />
        </dd>
      </dl>
      {item.description && <p className="pre-line">{item.description}</p>}
    </section>
  );
}
