import { ACTION_STATUSES } from "../../db/schema";
import type { ActionView } from "../../server/domain/actions";
import { echoed, echoedList } from "../utils/forms";
import { useT } from "../utils/i18n";
import type { FormValues } from "../utils/route.server";
import {
  CheckboxGroup,
  ErrorSummary,
  type FieldErrors,
  SelectField,
  TextField,
} from "./FormFields";

/** The choices for the selects; load them with `actionOptions()` from app/utils/actions.server. */
export interface ActionOptions {
  goals: { id: string; position: number; title: string }[];
  departments: { id: string; name: string }[];
  owners: { id: string; name: string }[];
  documents: { id: string; title: string }[];
}

export type ActionFieldName =
  | "title"
  | "description"
  | "goalId"
  | "departmentId"
  | "involvedDepartmentIds"
  | "ownerId"
  | "startDate"
  | "dueDate"
  | "status"
  | "progress"
  | "documentId";

/** The labels of the fields, for error summaries and import previews that name a field. */
export function useActionFieldLabels(): Record<ActionFieldName, string> {
  const t = useT();
  return {
    title: t("actionForm.title"),
    description: t("actionForm.description"),
    goalId: t("actionForm.goal"),
    departmentId: t("actionForm.department"),
    involvedDepartmentIds: t("actionForm.involved"),
    ownerId: t("actionForm.owner"),
    startDate: t("actionForm.startDate"),
    dueDate: t("actionForm.dueDate"),
    status: t("actionForm.status"),
    progress: t("actionForm.progress"),
    documentId: t("actionForm.document"),
  };
}

/**
 * The fields of an action, shared by "Ny åtgärd" and editing on the action page. Renders the
 * error summary too; the page supplies `<Form method="post" noValidate>`, a hidden `version`
 * when editing, and the submit button.
 *
 * - `defaults`: the stored values (an ActionDetails as is; `{}` for a new action).
 * - `options`: from `actionOptions()`.
 * - `errors`, `values`: a failed submit's `fieldErrors` and echoed `values` (see runForm), so
 *   the person's input is kept.
 * - `editableFields`: render only these; a department editor may change `status` and
 *   `progress` only, and `actionInput` then sends only those.
 */
export function ActionFields({
  defaults,
  options,
  errors,
  values,
  editableFields,
}: {
  defaults: Partial<Pick<ActionView, ActionFieldName>>;
  options: ActionOptions;
  errors: FieldErrors;
  values: FormValues | undefined;
  editableFields?: readonly ActionFieldName[];
}) {
  const t = useT();
  const labels = useActionFieldLabels();
  const shown = (field: ActionFieldName) => !editableFields || editableFields.includes(field);
  const value = (field: Exclude<ActionFieldName, "involvedDepartmentIds">, fallback = "") =>
    echoed(values, field, String(defaults[field] ?? fallback));
  return (
    <>
      <ErrorSummary errors={errors} labels={labels} />
      {shown("title") && (
        <TextField
          id="title"
          name="title"
          label={labels.title}
          defaultValue={value("title")}
          error={errors?.title}
        />
      )}
      {shown("description") && (
        <TextField
          id="description"
          name="description"
          label={labels.description}
          hint={t("actionForm.descriptionHint")}
          multiline
          defaultValue={value("description")}
          error={errors?.description}
        />
      )}
      {shown("goalId") && (
        <SelectField
          id="goalId"
          name="goalId"
          label={labels.goalId}
          placeholder={t("actionForm.goalChoose")}
          options={options.goals.map((g) => ({
            value: g.id,
            label: t("actionForm.goalOption", { number: String(g.position), title: g.title }),
          }))}
          defaultValue={value("goalId")}
          error={errors?.goalId}
        />
      )}
      {shown("departmentId") && (
        <SelectField
          id="departmentId"
          name="departmentId"
          label={labels.departmentId}
          placeholder={t("actionForm.departmentChoose")}
          options={options.departments.map((d) => ({ value: d.id, label: d.name }))}
          defaultValue={value("departmentId")}
          error={errors?.departmentId}
        />
      )}
      {shown("involvedDepartmentIds") && (
        <>
          {/* Present even with no box ticked, so "none" is sent rather than "not on this form". */}
          <input type="hidden" name="involvedDepartmentIds" value="" />
          <CheckboxGroup
            id="involvedDepartmentIds"
            name="involvedDepartmentIds"
            legend={labels.involvedDepartmentIds}
            hint={t("actionForm.involvedHint")}
            options={options.departments.map((d) => ({ value: d.id, label: d.name }))}
            checked={echoedList(
              values,
              "involvedDepartmentIds",
              defaults.involvedDepartmentIds ?? [],
            )}
            error={errors?.involvedDepartmentIds}
          />
        </>
      )}
      {shown("ownerId") && (
        <SelectField
          id="ownerId"
          name="ownerId"
          label={labels.ownerId}
          placeholder={t("actionForm.ownerNone")}
          options={options.owners.map((o) => ({ value: o.id, label: o.name }))}
          defaultValue={value("ownerId")}
          error={errors?.ownerId}
        />
      )}
      {(shown("startDate") || shown("dueDate")) && (
        <div className="field-row">
          {shown("startDate") && (
            <TextField
              id="startDate"
              name="startDate"
              type="date"
              label={labels.startDate}
              hint={t("actionForm.dateHint")}
              defaultValue={value("startDate")}
              error={errors?.startDate}
            />
          )}
          {shown("dueDate") && (
            <TextField
              id="dueDate"
              name="dueDate"
              type="date"
              label={labels.dueDate}
              hint={t("actionForm.dateHint")}
              defaultValue={value("dueDate")}
              error={errors?.dueDate}
            />
          )}
        </div>
      )}
      {shown("status") && (
        <SelectField
          id="status"
          name="status"
          label={labels.status}
          hint={t("actionForm.statusHint")}
          options={ACTION_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
          defaultValue={value("status", "not_started")}
          error={errors?.status}
        />
      )}
      {shown("progress") && (
        <TextField
          id="progress"
          name="progress"
          label={labels.progress}
          hint={t("actionForm.progressHint")}
          inputMode="numeric"
          defaultValue={value("progress", "0")}
          error={errors?.progress}
        />
      )}
      {shown("documentId") && (
        <SelectField
          id="documentId"
          name="documentId"
          label={labels.documentId}
          hint={t("actionForm.documentHint")}
          placeholder={t("actionForm.documentNone")}
          options={options.documents.map((d) => ({ value: d.id, label: d.title }))}
          defaultValue={value("documentId")}
          error={errors?.documentId}
        />
      )}
    </>
  );
}

const SINGLE_FIELDS = [
  "title",
  "description",
  "goalId",
  "departmentId",
  "ownerId",
  "startDate",
  "dueDate",
  "status",
  "progress",
  "documentId",
  "version",
] as const;

/**
 * The submitted fields as the domain expects them (createAction / updateAction). Only fields
 * the form had are sent, so an editor's status-and-progress form asks for no more than that.
 */
export function actionInput(form: FormData): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const name of SINGLE_FIELDS) if (form.has(name)) input[name] = String(form.get(name));
  if (form.has("involvedDepartmentIds"))
    input.involvedDepartmentIds = form.getAll("involvedDepartmentIds").map(String).filter(Boolean);
  return input;
}
