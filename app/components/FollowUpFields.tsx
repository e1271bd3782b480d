import { isMessageKey } from "../../common/i18n";
import { ASSESSMENTS, type Assessment } from "../../db/schema";
import { echoed } from "../utils/forms";
import { useT } from "../utils/i18n";
import type { FormValues } from "../utils/route.server";
import type { FieldErrors } from "./FormFields";
import { TextField } from "./FormFields";

/**
 * One period's follow-up of one action: the assessment as a radio group and the mandatory
 * comment. Used on the action page and in "Att göra"; `idPrefix` keeps ids unique per form.
 */
export function FollowUpFields({
  idPrefix,
  legend,
  defaults,
  errors,
  values,
}: {
  idPrefix: string;
  legend: string;
  defaults: { assessment: Assessment | null; comment: string };
  errors: FieldErrors;
  values?: FormValues;
}) {
  const t = useT();
  const checked = echoed(values, "assessment", defaults.assessment ?? "");
  const error = errors?.assessment;
  const id = `${idPrefix}assessment`;
  return (
    <>
      <fieldset
        className={`field${error ? " field-invalid" : ""}`}
        id={id}
        tabIndex={-1}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        <legend>{legend}</legend>
        {error && (
          <p className="field-error" id={`${id}-error`}>
            <span aria-hidden="true">⚠ </span>
            {t(isMessageKey(error) ? error : "validation.invalid")}
          </p>
        )}
        <div className="radio-row">
          {ASSESSMENTS.map((assessment) => (
            <div className="radio" key={assessment}>
              <input
                type="radio"
                id={`${id}-${assessment}`}
                name="assessment"
                value={assessment}
                defaultChecked={checked === assessment}
              />
              <label htmlFor={`${id}-${assessment}`}>{t(`assessment.${assessment}`)}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <TextField
        id={`${idPrefix}comment`}
        name="comment"
        label={t("followUp.comment")}
        hint={t("followUp.commentHint")}
        multiline
        defaultValue={echoed(values, "comment", defaults.comment)}
        error={errors?.comment}
      />
    </>
  );
}
