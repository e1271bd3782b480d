import { isMessageKey } from "../../common/i18n";
import {
  DOCUMENT_KINDS,
  DOCUMENT_STATUSES,
  type DocumentKind,
  type DocumentStatus,
} from "../../db/schema";
import { echoed, echoedList } from "../utils/forms";
import { useT } from "../utils/i18n";
import type { FormValues } from "../utils/route.server";
import { Badge } from "./Badge";
import { CheckboxGroup, type FieldErrors, TextField } from "./FormFields";

const STATUS_LOOK: Record<DocumentStatus, { tone: "ok" | "info" | "muted"; symbol: string }> = {
  draft: { tone: "muted", symbol: "◌" },
  review: { tone: "info", symbol: "◐" },
  adopted: { tone: "ok", symbol: "✓" },
};

/** A document's status as colour, shape and word: Utkast ◌, För granskning ◐, Fastställd ✓. */
export function DocumentStatusBadge({ status }: { status: DocumentStatus }) {
  const t = useT();
  const look = STATUS_LOOK[status];
  return (
    <Badge tone={look.tone} symbol={look.symbol}>
      {t(`documentStatus.${status}`)}
    </Badge>
  );
}

/** A labelled select with its error, as the text fields render theirs. */
export function SelectInput({
  id,
  name,
  label,
  options,
  defaultValue,
  error,
  placeholder,
}: {
  id: string;
  name: string;
  label: string;
  options: { value: string; label: string }[];
  defaultValue: string;
  error?: string;
  placeholder?: string;
}) {
  const t = useT();
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {isMessageKey(error) ? t(error) : t("validation.invalid")}
        </p>
      )}
      <select
        id={id}
        name={name}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
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

export function useDocumentLabels() {
  const t = useT();
  return {
    title: t("documents.titleLabel"),
    kind: t("documents.kind"),
    departmentIds: t("documents.departments"),
    status: t("documents.status"),
    confirmAdopt: t("documents.confirmAdopt"),
  };
}

export function kindOptions(t: ReturnType<typeof useT>) {
  return DOCUMENT_KINDS.map((kind) => ({ value: kind, label: t(`documentKind.${kind}`) }));
}

export function statusOptions(t: ReturnType<typeof useT>) {
  return DOCUMENT_STATUSES.map((s) => ({ value: s, label: t(`documentStatus.${s}`) }));
}

/** Title, kind and involved departments: the fields shared by creating and editing a document. */
export function DocumentFields({
  idPrefix = "",
  departments,
  defaults,
  errors,
  values,
}: {
  idPrefix?: string;
  departments: { id: string; name: string }[];
  defaults: { title: string; kind: DocumentKind | ""; departmentIds: readonly string[] };
  errors: FieldErrors;
  values: FormValues | undefined;
}) {
  const t = useT();
  const labels = useDocumentLabels();
  return (
    <>
      <TextField
        id={`${idPrefix}title`}
        name="title"
        label={labels.title}
        defaultValue={echoed(values, "title", defaults.title)}
        error={errors?.title}
      />
      <SelectInput
        id={`${idPrefix}kind`}
        name="kind"
        label={labels.kind}
        placeholder={defaults.kind === "" ? t("documents.chooseKind") : undefined}
        options={kindOptions(t)}
        defaultValue={echoed(values, "kind", defaults.kind)}
        error={errors?.kind}
      />
      <CheckboxGroup
        id={`${idPrefix}departmentIds`}
        name="departmentIds"
        legend={labels.departmentIds}
        hint={t("documents.departmentsHint")}
        error={errors?.departmentIds}
        options={departments.map((d) => ({ value: d.id, label: d.name }))}
        checked={echoedList(values, "departmentIds", defaults.departmentIds)}
      />
    </>
  );
}

/** The form's fields as the documents domain reads them. */
export function documentInput(form: FormData) {
  return {
    title: form.get("title") ?? "",
    kind: form.get("kind") ?? "",
    departmentIds: form.getAll("departmentIds").map(String),
  };
}
