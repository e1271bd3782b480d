import { useEffect, useRef } from "react";
import { isMessageKey } from "../../common/i18n";
import { useT } from "../utils/i18n";

export type FieldErrors = Record<string, string> | undefined;

/** Turns a domain message key into text; unknown keys say "Värdet är ogiltigt". */
export function useMessage() {
  const t = useT();
  return (key: string) => (isMessageKey(key) ? t(key) : t("validation.invalid"));
}

/**
 * Moves focus to the field a summary link points at without a fragment navigation: Remix treats
 * one as a new location and drops the action data, which would wipe the errors just shown.
 */
function focusField(event: React.MouseEvent<HTMLAnchorElement>) {
  const target = document.getElementById(event.currentTarget.hash.slice(1));
  if (!target) return;
  event.preventDefault();
  target.focus();
  (target.closest(".field") ?? target).scrollIntoView({ block: "center" });
}

/**
 * GOV.UK-style error summary: focused when it appears (unless `focus` is false: several forms
 * refused at once leave focus to their common summary), each message a link to its field.
 * `labels` maps field names to their visible labels; `ids` to the element to focus.
 */
export function ErrorSummary({
  errors,
  labels,
  idPrefix = "",
  focus = true,
}: {
  errors: FieldErrors;
  labels: Record<string, string>;
  idPrefix?: string;
  focus?: boolean;
}) {
  const t = useT();
  const message = useMessage();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors && focus) ref.current?.focus();
  }, [errors, focus]);
  if (!errors || Object.keys(errors).length === 0) return null;
  return (
    <div
      className="error-summary"
      role="alert"
      tabIndex={-1}
      ref={ref}
      aria-labelledby={`${idPrefix}error-summary-title`}
    >
      <h2 id={`${idPrefix}error-summary-title`}>{t("errors.summary")}</h2>
      <ul>
        {Object.entries(errors).map(([field, key]) => (
          <li key={field}>
            {field === "form" ? (
              message(key)
            ) : (
              <a href={`#${idPrefix}${field}`} onClick={focusField}>
                {labels[field] ? `${labels[field]}: ` : ""}
                {message(key)}
              </a>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function FieldError({ id, error }: { id: string; error?: string }) {
  const message = useMessage();
  if (!error) return null;
  return (
    <p className="field-error" id={`${id}-error`}>
      <span aria-hidden="true">⚠ </span>
      {message(error)}
    </p>
  );
}

function describedBy(id: string, hint?: string, error?: string) {
  const ids = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

export function TextField({
  id,
  name,
  label,
  hint,
  error,
  defaultValue,
  type = "text",
  multiline = false,
  ...rest
}: {
  id: string;
  name: string;
  label: string;
  hint?: string;
  error?: string;
  defaultValue?: string | number;
  type?: string;
  multiline?: boolean;
  autoComplete?: string;
  required?: boolean;
  inputMode?: "numeric" | "email" | "text";
  accept?: string;
}) {
  const common = {
    id,
    name,
    defaultValue,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy(id, hint, error),
    ...rest,
  };
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldError id={id} error={error} />
      {multiline ? <textarea rows={4} {...common} /> : <input type={type} {...common} />}
    </div>
  );
}

/** One checkbox that confirms something, with its hint and error above it. */
export function CheckboxField({
  id,
  name,
  value,
  label,
  hint,
  error,
}: {
  id: string;
  name: string;
  /** What a ticked box sends (the browser's default is "on"). */
  value?: string;
  label: string;
  hint?: string;
  error?: string;
}) {
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldError id={id} error={error} />
      <div className="checkbox">
        <input
          type="checkbox"
          id={id}
          name={name}
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, hint, error)}
        />
        <label htmlFor={id}>{label}</label>
      </div>
    </div>
  );
}

/** A labelled `<select>`; `placeholder` adds an empty first choice ("Välj …" or "Alla"). */
export function SelectField({
  id,
  name,
  label,
  hint,
  error,
  defaultValue,
  options,
  placeholder,
}: {
  id: string;
  name: string;
  label: string;
  hint?: string;
  error?: string;
  defaultValue?: string;
  options: { value: string; label: string }[];
  placeholder?: string;
}) {
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldError id={id} error={error} />
      <select
        id={id}
        name={name}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CheckboxGroup({
  id,
  name,
  legend,
  hint,
  error,
  options,
  checked,
}: {
  id: string;
  name: string;
  legend: string;
  hint?: string;
  error?: string;
  options: { value: string; label: string }[];
  checked: readonly string[];
}) {
  return (
    <fieldset
      className={`field${error ? " field-invalid" : ""}`}
      id={id}
      tabIndex={-1}
      aria-describedby={describedBy(id, hint, error)}
    >
      <legend>{legend}</legend>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldError id={id} error={error} />
      {options.map((option) => (
        <div className="checkbox" key={option.value}>
          <input
            type="checkbox"
            id={`${id}-${option.value}`}
            name={name}
            value={option.value}
            defaultChecked={checked.includes(option.value)}
          />
          <label htmlFor={`${id}-${option.value}`}>{option.label}</label>
        </div>
      ))}
    </fieldset>
  );
}

/** A polite confirmation after a successful save ("Sparat."). */
export function Notice({ children }: { children: React.ReactNode }) {
  return (
    <p className="notice" role="status">
      <span aria-hidden="true">✓ </span>
      {children}
    </p>
  );
}
