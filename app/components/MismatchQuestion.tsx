import { useEffect, useRef } from "react";
import { useT } from "../utils/i18n";
import { useMessage } from "./FormFields";

/**
 * Asks about a status and progress that contradict each other (the domain's
 * `statusProgressMismatch`): a question, not an error. Ticking the box and saving again keeps
 * the pair. Focused when it appears, unless an error summary has the focus (`focus`).
 */
export function MismatchQuestion({
  id,
  question,
  focus,
}: {
  id: string;
  /** The message key of the question (`mismatch.*`), from the refused save. */
  question?: string;
  focus: boolean;
}) {
  const t = useT();
  const message = useMessage();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (question && focus) ref.current?.focus();
  }, [question, focus]);
  if (!question) return null;
  return (
    <div className="warning-box" role="alert" tabIndex={-1} ref={ref}>
      <p>
        <strong>
          <span aria-hidden="true">⚠ </span>
          {t("mismatch.title")}
        </strong>{" "}
        {message(question)}
      </p>
      <div className="checkbox">
        <input type="checkbox" id={id} name="confirmMismatch" value="1" />
        <label htmlFor={id}>{t("mismatch.confirm")}</label>
      </div>
    </div>
  );
}

/** A refusal's field errors without the question, which `MismatchQuestion` asks instead. */
export function withoutQuestion(fieldErrors: Record<string, string> | undefined) {
  if (!fieldErrors) return { errors: undefined, question: undefined };
  const { confirmMismatch: question, ...errors } = fieldErrors;
  return { errors: Object.keys(errors).length > 0 ? errors : undefined, question };
}
