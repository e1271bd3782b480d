import { echoed } from "../utils/forms";
import { useT } from "../utils/i18n";
import type { FormValues } from "../utils/route.server";
import { ErrorSummary, type FieldErrors, TextField } from "./FormFields";

export interface StrategyDefaults {
  name: string;
  description: string;
  validFrom: string;
  validTo: string;
  isActive: boolean;
}

export function StrategyFields({
  defaults,
  errors,
  values,
}: {
  defaults: StrategyDefaults;
  errors: FieldErrors;
  values: FormValues | undefined;
}) {
  const t = useT();
  const labels = {
    name: t("strategies.name"),
    description: t("strategies.description"),
    validFrom: t("strategies.validFrom"),
    validTo: t("strategies.validTo"),
  };
  const isActive = values ? values.isActive === "on" : defaults.isActive;
  return (
    <>
      <ErrorSummary errors={errors} labels={labels} />
      <TextField
        id="name"
        name="name"
        label={labels.name}
        defaultValue={echoed(values, "name", defaults.name)}
        error={errors?.name}
      />
      <TextField
        id="description"
        name="description"
        label={labels.description}
        multiline
        defaultValue={echoed(values, "description", defaults.description)}
        error={errors?.description}
      />
      <div className="field-row">
        <TextField
          id="validFrom"
          name="validFrom"
          label={labels.validFrom}
          inputMode="numeric"
          defaultValue={echoed(values, "validFrom", defaults.validFrom)}
          error={errors?.validFrom}
        />
        <TextField
          id="validTo"
          name="validTo"
          label={labels.validTo}
          inputMode="numeric"
          defaultValue={echoed(values, "validTo", defaults.validTo)}
          error={errors?.validTo}
        />
      </div>
      <div className="checkbox">
        <input
          type="checkbox"
          id="isActive"
          name="isActive"
          defaultChecked={isActive}
          aria-describedby="isActive-hint"
        />
        <label htmlFor="isActive">{t("strategies.active")}</label>
        <p className="hint" id="isActive-hint">
          {t("strategies.activeHint")}
        </p>
      </div>
    </>
  );
}

/** The strategy form's fields as the domain expects them. */
export function strategyInput(form: FormData) {
  return {
    name: form.get("name") ?? "",
    description: form.get("description") ?? "",
    validFrom: form.get("validFrom") ?? "",
    validTo: form.get("validTo") ?? "",
    isActive: form.get("isActive") === "on",
    version: form.get("version") ?? "",
  };
}
