import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useLocation,
  useSearchParams,
} from "@remix-run/react";
import { listDepartments } from "../../server/domain/departments";
import { sendInvitation } from "../../server/domain/one-time-links";
import { setTemporaryPassword } from "../../server/domain/passwords";
import { getUser, setUserActive, updateUser } from "../../server/domain/users";
import { ActiveBadge } from "../components/Badge";
import { ErrorSummary, Notice, TextField } from "../components/FormFields";
import { UserFields, userInput } from "../components/UserForm";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { guard, readForm, runForm } from "../utils/route.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const actor = await requirePermission(request, context, "users:manage");
  return guard(async () => ({
    user: await getUser(context.db, actor, params.userId ?? ""),
    departments: await listDepartments(context.db, actor),
    isSelf: params.userId === actor.userId,
  }));
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const actor = await requirePermission(request, context, "users:manage");
  const form = await readForm(request);
  const userId = params.userId ?? "";
  const intent = form.get("intent");
  return runForm(form, async () => {
    if (intent === "deactivate" || intent === "reactivate") {
      await setUserActive(context.db, actor, userId, intent === "reactivate");
      return redirect(
        `/admin/anvandare/${userId}?${intent === "reactivate" ? "aktiverad" : "inaktiverad"}=1`,
        { status: 303 },
      );
    }
    if (intent === "invite") {
      const { expiresAt } = await sendInvitation(context.db, context.config, actor, userId);
      const until = expiresAt.toISOString();
      return redirect(`/admin/anvandare/${userId}?inbjuden=${encodeURIComponent(until)}`, {
        status: 303,
      });
    }
    if (intent === "temporary-password") {
      await setTemporaryPassword(context.db, actor, userId, { password: form.get("password") });
      return redirect(`/admin/anvandare/${userId}?losenord=1`, { status: 303 });
    }
    await updateUser(context.db, actor, userId, userInput(form));
    return redirect(`/admin/anvandare/${userId}?sparat=1`, { status: 303 });
  });
}

export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, "users.edit", { name: args.data?.user.name ?? "" });

export default function EditUser() {
  const t = useT();
  const { user, departments, isSelf } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  // A new key after the save empties the field: the admin does not keep the password on screen.
  const { key } = useLocation();
  const saveFailure = failure && failure.intent === undefined ? failure : undefined;
  const passwordFailure = failure?.intent === "temporary-password" ? failure : undefined;
  const inviteFailure = failure?.intent === "invite" ? failure : undefined;
  const invitedUntil = params.get("inbjuden");
  const statusFailure =
    failure?.intent === "deactivate" || failure?.intent === "reactivate" ? failure : undefined;
  return (
    <div className="page narrow">
      <p>
        <Link to="/admin/anvandare">← {t("users.back")}</Link>
      </p>
      <h1>{t("users.edit", { name: user.name })}</h1>
      {params.has("skapad") && <Notice>{t("users.created", { name: user.name })}</Notice>}
      {params.has("sparat") && <Notice>{t("users.saved")}</Notice>}
      {params.has("inaktiverad") && <Notice>{t("users.deactivated")}</Notice>}
      {params.has("aktiverad") && <Notice>{t("users.reactivated")}</Notice>}
      {params.has("losenord") && <Notice>{t("users.temporaryPasswordSet")}</Notice>}
      {invitedUntil && (
        <Notice>
          {t("users.invited", {
            email: user.email,
            expires: new Intl.DateTimeFormat("sv-SE", {
              timeZone: "Europe/Stockholm",
              dateStyle: "short",
              timeStyle: "short",
            }).format(new Date(invitedUntil)),
          })}
        </Notice>
      )}
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="version" value={user.version} />
        <UserFields
          defaults={user}
          departments={departments}
          errors={saveFailure?.fieldErrors}
          values={saveFailure?.values}
          withPassword={false}
        />
        <button type="submit" className="button">
          {t("users.save")}
        </button>
      </Form>
      {!isSelf && (
        <section className="panel" aria-labelledby="password-heading">
          <h2 id="password-heading">{t("users.passwordHeading")}</h2>
          <p>
            {user.mustChangePassword
              ? t("users.mustChangePassword")
              : user.passwordChangedAt
                ? t("users.passwordChangedAt", { date: user.passwordChangedAt.slice(0, 10) })
                : t("users.passwordNeverChanged")}
          </p>
          <ErrorSummary
            errors={passwordFailure?.fieldErrors}
            labels={{ password: t("users.temporaryPassword") }}
            idPrefix="temporary-"
          />
          <Form method="post" className="stack" noValidate key={key}>
            <input type="hidden" name="intent" value="temporary-password" />
            <TextField
              id="temporary-password"
              name="password"
              type="password"
              label={t("users.temporaryPassword")}
              hint={t("users.temporaryPasswordHint")}
              autoComplete="new-password"
              error={passwordFailure?.fieldErrors.password}
            />
            <button type="submit" className="button">
              {t("users.setTemporaryPassword")}
            </button>
          </Form>
          <ErrorSummary
            errors={inviteFailure?.fieldErrors}
            labels={{ invite: t("users.invite") }}
            idPrefix="invite-"
          />
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="invite" />
            <p className="hint">{t("users.inviteHint")}</p>
            <button type="submit" className="button button-secondary">
              {t("users.invite")}
            </button>
          </Form>
        </section>
      )}
      {!isSelf && (
        <section className="panel" aria-labelledby="status-heading">
          <h2 id="status-heading">{t("users.status")}</h2>
          <ErrorSummary errors={statusFailure?.fieldErrors} labels={{}} idPrefix="status-" />
          <p>
            <ActiveBadge
              active={user.active}
              labels={{ active: t("users.active"), inactive: t("users.inactive") }}
            />
          </p>
          <Form method="post">
            {user.active && <p className="hint">{t("users.deactivateHint")}</p>}
            <input type="hidden" name="intent" value={user.active ? "deactivate" : "reactivate"} />
            <button type="submit" className={user.active ? "button button-danger" : "button"}>
              {user.active ? t("users.deactivate") : t("users.reactivate")}
            </button>
          </Form>
        </section>
      )}
    </div>
  );
}
