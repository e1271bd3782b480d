import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { requestPasswordReset } from "../../server/domain/one-time-links";
import { Notice, TextField } from "../components/FormFields";
import { pageTitle, useT } from "../utils/i18n";
import { readForm, runForm } from "../utils/route.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  return runForm(form, async () => {
    const { throttledMinutes } = await requestPasswordReset(
      context.db,
      context.config,
      { email: form.get("email") ?? "" },
      context.clientAddress,
    );
    return { sent: throttledMinutes === 0, throttledMinutes };
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "forgot.title");

/** "Glömt lösenord": the same answer whether the address has an account or not. */
export default function ForgotPassword() {
  const t = useT();
  const result = useActionData<typeof action>();
  const answer = result && "sent" in result ? result : undefined;
  const fieldErrors = result && "fieldErrors" in result ? result.fieldErrors : undefined;
  return (
    <div className="page narrow">
      <h1>{t("forgot.title")}</h1>
      {answer?.sent && <Notice>{t("forgot.sent")}</Notice>}
      {answer && !answer.sent && (
        <div className="alert" role="alert">
          <p>{t("forgot.throttled", { count: answer.throttledMinutes })}</p>
        </div>
      )}
      <p>{t("forgot.intro")}</p>
      <Form method="post" className="stack" noValidate>
        <TextField
          id="email"
          name="email"
          type="email"
          label={t("login.email")}
          autoComplete="email"
          error={fieldErrors?.email}
          required
        />
        <button type="submit" className="button">
          {t("forgot.submit")}
        </button>
      </Form>
      <p>
        <Link to="/login">{t("forgot.back")}</Link>
      </p>
    </div>
  );
}
