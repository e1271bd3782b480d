import { ROLES } from "../../db/schema";
import { echoed, echoedList } from "../utils/forms";
import { useT } from "../utils/i18n";
import type { FormValues } from "../utils/route.server";
import { CheckboxGroup, ErrorSummary, type FieldErrors, TextField } from "./FormFields";

export interface UserFormDefaults {
  name: string;
  email: string;
  roles: readonly string[];
  departmentIds: readonly string[];
}

/** The fields shared by "Ny användare" and editing a user; the password only when creating. */
export function UserFields({
  defaults,
  departments,
  errors,
  values,
  withPassword,
}: {
  defaults: UserFormDefaults;
  departments: { id: string; name: string }[];
  errors: FieldErrors;
  values: FormValues | undefined;
  withPassword: boolean;
}) {
  const t = useT();
  const labels = {
    name: t("users.name"),
    email: t("users.email"),
    password: t("users.password"),
    roles: t("users.roles"),
    departmentIds: t("users.departments"),
  };
  return (
    <>
      <ErrorSummary errors={errors} labels={labels} />
      <TextField
        id="name"
        name="name"
        label={labels.name}
        autoComplete="off"
        defaultValue={echoed(values, "name", defaults.name)}
        error={errors?.name}
      />
      <TextField
        id="email"
        name="email"
        type="email"
        label={labels.email}
        autoComplete="off"
        defaultValue={echoed(values, "email", defaults.email)}
        error={errors?.email}
      />
      {withPassword && (
        <TextField
          id="password"
          name="password"
          type="password"
          label={labels.password}
          hint={t("users.passwordHint")}
          autoComplete="new-password"
          error={errors?.password}
        />
      )}
      <CheckboxGroup
        id="roles"
        name="roles"
        legend={labels.roles}
        error={errors?.roles}
        options={ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))}
        checked={echoedList(values, "roles", defaults.roles)}
      />
      <CheckboxGroup
        id="departmentIds"
        name="departmentIds"
        legend={labels.departmentIds}
        hint={t("users.departmentsHint")}
        error={errors?.departmentIds}
        options={departments.map((d) => ({ value: d.id, label: d.name }))}
        checked={echoedList(values, "departmentIds", defaults.departmentIds)}
      />
    </>
  );
}

/** The user form's fields as the domain expects them. */
export function userInput(form: FormData) {
  return {
    name: form.get("name") ?? "",
    email: form.get("email") ?? "",
    password: form.get("password") ?? "",
    roles: form.getAll("roles"),
    departmentIds: form.getAll("departmentIds"),
    version: form.get("version") ?? "",
  };
}
