import { isMessageKey } from "../../common/i18n";
import {
  DOCUMENT_KINDS,
  DOCUMENT_STATUSES,
  type DocumentKind,
  type DocumentStatus,
} from "../../db/schema";
import type { FrontMatter } from "../../server/domain/documents";
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
    frontMunicipality: t("documents.frontMunicipality"),
    frontSender: t("documents.frontSender"),
    frontRegistrationNumber: t("documents.frontRegistrationNumber"),
    frontDate: t("documents.frontDate"),
    frontCaseOfficer: t("documents.frontCaseOfficer"),
    frontDocumentType: t("documents.frontDocumentType"),
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

const FRONT_FIELDS = [
  ["frontDocumentType", "documentType", "documents.frontDocumentTypeHint"],
  ["frontMunicipality", "municipality", "documents.frontMunicipalityHint"],
  ["frontSender", "sender", undefined],
  ["frontRegistrationNumber", "registrationNumber", undefined],
  ["frontDate", "date", "documents.frontDateHint"],
  ["frontCaseOfficer", "caseOfficer", undefined],
] as const;

/** The front matter the Word and PDF files print above the title. */
export function FrontMatterFields({
  frontMatter,
  errors,
  values,
}: {
  frontMatter: FrontMatter;
  errors: FieldErrors;
  values: FormValues | undefined;
}) {
  const t = useT();
  const labels = useDocumentLabels();
  return (
    <fieldset className="stack">
      <legend>{t("documents.frontMatter")}</legend>
      <p className="hint">{t("documents.frontMatterHint")}</p>
      {FRONT_FIELDS.map(([name, , hint]) => (
        <TextField
          key={name}
          id={`meta-${name}`}
          name={name}
          label={labels[name]}
          hint={hint && t(hint)}
          inputMode={name === "frontDate" ? "numeric" : undefined}
          defaultValue={echoed(values, name, frontMatterValues(frontMatter)[name])}
          error={errors?.[name]}
        />
      ))}
    </fieldset>
  );
}

/** The front matter as the form's values, by field name. */
export function frontMatterValues(frontMatter: FrontMatter): Record<string, string> {
  return Object.fromEntries(FRONT_FIELDS.map(([name, key]) => [name, frontMatter[key] ?? ""]));
}

/** The front matter's fields as the documents domain reads them. */
export function frontMatterInput(form: FormData) {
  return Object.fromEntries(FRONT_FIELDS.map(([name]) => [name, form.get(name) ?? ""]));
}

/** The front matter as the files print it (shown on the page, and printed with it). */
export function FrontMatterBlock({ frontMatter }: { frontMatter: FrontMatter }) {
  const t = useT();
  const facts = [
    [t("documents.frontRegistrationNumber"), frontMatter.registrationNumber],
    [t("documents.frontDate"), frontMatter.date ?? ""],
    [t("documents.frontCaseOfficer"), frontMatter.caseOfficer],
  ].filter(([, value]) => value);
  const lines = [frontMatter.municipality, frontMatter.sender, frontMatter.documentType];
  if (facts.length === 0 && !lines.some(Boolean)) return null;
  return (
    <div className="front-matter" data-testid="front-matter">
      {frontMatter.municipality && (
        <p className="front-matter-municipality">{frontMatter.municipality}</p>
      )}
      {frontMatter.sender && <p>{frontMatter.sender}</p>}
      {frontMatter.documentType && <p className="front-matter-type">{frontMatter.documentType}</p>}
      {facts.length > 0 && (
        <dl>
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
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
