import { Form, useSearchParams } from "@remix-run/react";
import type { Assessment } from "../../db/schema";
import type { FollowUpView } from "../../server/domain/followups";
import type { PeriodView } from "../../server/domain/periods";
import { useT } from "../utils/i18n";
import type { FormFailure } from "../utils/route.server";
import { FollowUpFields } from "./FollowUpFields";
import { ErrorSummary, Notice } from "./FormFields";
import { RelativeTime } from "./RelativeTime";
import { AssessmentBadge } from "./StatusBadge";

function FollowUpForm({
  period,
  followUp,
  failure,
}: {
  period: PeriodView;
  followUp?: FollowUpView;
  failure?: FormFailure;
}) {
  const t = useT();
  const prefix = `fu-${period.id}-`;
  const labels = { assessment: t("followUp.assessment"), comment: t("followUp.comment") };
  return (
    <Form method="post" noValidate className="stack">
      <ErrorSummary errors={failure?.fieldErrors} labels={labels} idPrefix={prefix} />
      <FollowUpFields
        idPrefix={prefix}
        legend={t("actionPage.assessmentFor", { period: period.name })}
        defaults={followUp ?? { assessment: null, comment: "" }}
        errors={failure?.fieldErrors}
        values={failure?.values}
      />
      <button type="submit" name="intent" value={`followup:${period.id}`} className="button">
        {t("actionPage.saveFollowUp", { period: period.name })}
      </button>
    </Form>
  );
}

/**
 * An action's follow-up per period, newest first; those who may report get the current
 * period's form, and a folded one for an earlier period still without a follow-up.
 */
export function ActionFollowUps({
  periods,
  followUps,
  currentPeriodId,
  canReport,
  failure,
}: {
  periods: PeriodView[];
  followUps: FollowUpView[];
  currentPeriodId: string | null;
  canReport: boolean;
  /** The page's last refused submit; a period's form shows it if it was its own. */
  failure?: FormFailure;
}) {
  const t = useT();
  const [params] = useSearchParams();
  const byPeriod = new Map(followUps.map((f) => [f.periodId, f]));
  return (
    <section aria-labelledby="followups-heading" id="uppfoljning">
      <h2 id="followups-heading">{t("actionPage.followUps")}</h2>
      {params.has("uppfoljning") && <Notice>{t("actionPage.followUpSaved")}</Notice>}
      {periods.length === 0 && <p>{t("actionPage.noPeriods")}</p>}
      <ol className="plain-list">
        {periods.map((period) => {
          const followUp = byPeriod.get(period.id);
          const isCurrent = period.id === currentPeriodId;
          const failed = failure?.intent === `followup:${period.id}` ? failure : undefined;
          const form = <FollowUpForm period={period} followUp={followUp} failure={failed} />;
          return (
            <li key={period.id} className="panel followup">
              <h3>
                {period.name}
                {isCurrent && <span className="meta"> – {t("actionPage.currentPeriod")}</span>}
              </h3>
              {followUp ? (
                <>
                  <p>
                    <AssessmentBadge assessment={followUp.assessment as Assessment} />
                  </p>
                  <p className="pre-line">{followUp.comment}</p>
                  <p className="meta">
                    {followUp.updatedByName ?? t("actionPage.unknownPerson")},{" "}
                    <RelativeTime iso={followUp.updatedAt} />
                  </p>
                </>
              ) : (
                <p>{t("actionPage.noFollowUp")}</p>
              )}
              {canReport &&
                (isCurrent ? (
                  form
                ) : followUp ? null : (
                  <details open={failed !== undefined}>
                    <summary>{t("actionPage.addFollowUp", { period: period.name })}</summary>
                    {form}
                  </details>
                ))}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
