import { Form, useLocation } from "@remix-run/react";
import { useT } from "../utils/i18n";
import { ErrorSummary, type FieldErrors, TextField } from "./FormFields";

/**
 * Changing one's own password: the current one, the new one twice. Shared by Inställningar and
 * the page a temporary password leads to. Nothing typed is ever sent back into the fields.
 */
export function PasswordChangeForm({
  errors,
  redirectTo,
  submitLabel,
}: {
  errors: FieldErrors;
  /** Where the forced change continues to; Inställningar stays on its own page. */
  redirectTo?: string;
  submitLabel: string;
}) {
  const t = useT();
  // A new key after each navigation (a saved change) empties the fields: no password stays behind.
  const { key } = useLocation();
  const labels = {
    currentPassword: t("password.current"),
    newPassword: t("password.new"),
    confirmPassword: t("password.confirm"),
  };
  return (
    <Form method="post" className="stack" noValidate key={key}>
      <ErrorSummary errors={errors} labels={labels} />
      <input type="hidden" name="intent" value="change-password" />
      {redirectTo !== undefined && <input type="hidden" name="redirectTo" value={redirectTo} />}
      <TextField
        id="currentPassword"
        name="currentPassword"
        type="password"
        label={labels.currentPassword}
        autoComplete="current-password"
        error={errors?.currentPassword}
        required
      />
      <TextField
        id="newPassword"
        name="newPassword"
        type="password"
        label={labels.newPassword}
        hint={t("password.rules")}
        autoComplete="new-password"
        error={errors?.newPassword}
        required
      />
      <TextField
        id="confirmPassword"
        name="confirmPassword"
        type="password"
        label={labels.confirmPassword}
        autoComplete="new-password"
        error={errors?.confirmPassword}
        required
      />
      <button type="submit" className="button">
        {submitLabel}
      </button>
    </Form>
  );
}

/** The form's fields as the domain expects them. */
export function passwordChangeInput(form: FormData) {
  return {
    currentPassword: form.get("currentPassword") ?? "",
    newPassword: form.get("newPassword") ?? "",
    confirmPassword: form.get("confirmPassword") ?? "",
  };
}
