import {
  type ActionFunctionArgs,
  data,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { LoginSchema } from "../../server/auth/login";
import { SIGN_IN_FAILURES, type SignInFailure } from "../../server/auth/oidc/flow";
import { passwordSignInOffered, signInChoices } from "../../server/domain/identity-provider";
import { ErrorSummary, Notice, TextField } from "../components/FormFields";
import { firstTo, getSession, sessionCookieWillBeDropped } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { readForm, safeRedirect } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await getSession(request, context);
  if (session) {
    const target = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
    throw redirect(session.mustChangePassword ? firstTo("/byt-losenord", target) : target);
  }
  const refusal = new URL(request.url).searchParams.get("inloggningsfel");
  return {
    cookieDropped: sessionCookieWillBeDropped(request, context),
    providers: await signInChoices(context.db, context.config),
    passwordSignIn: await passwordSignInOffered(context.db),
    providerRefusal: SIGN_IN_FAILURES.find((reason) => reason === refusal) ?? null,
    demoAccounts: context.config.seedDemo,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const email = String(form.get("email") ?? "");
  const parsed = LoginSchema.safeParse({ email, password: form.get("password") ?? "" });
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
    return data({ fieldErrors, email, throttledMinutes: 0 }, { status: 400 });
  }
  const result = await context.auth.logIn(parsed.data, context.clientAddress);
  if (result.ok) {
    const target = safeRedirect(form.get("redirectTo"));
    return redirect(result.mustChangePassword ? firstTo("/byt-losenord", target) : target, {
      status: 303,
      headers: { "Set-Cookie": context.auth.sessionCookie(result) },
    });
  }
  if (result.reason === "throttled") {
    return data(
      { fieldErrors: { form: "login.throttled" }, email, throttledMinutes: result.minutes },
      { status: 429, headers: { "Retry-After": String(result.minutes * 60) } },
    );
  }
  if (result.reason === "passwordsOff") {
    return data(
      { fieldErrors: { form: "login.passwordsOff" }, email, throttledMinutes: 0 },
      { status: 403 },
    );
  }
  return data(
    { fieldErrors: { form: "login.invalid" }, email, throttledMinutes: 0 },
    { status: 401 },
  );
}

// A document POST only sends the action's headers (Retry-After on 429) when the route passes them on.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

export const meta: MetaFunction = (args) => pageTitle(args, "login.title");

export default function Login() {
  const t = useT();
  const { cookieDropped, providers, passwordSignIn, providerRefusal, demoAccounts } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const errors = result?.fieldErrors as Record<string, string> | undefined;
  const formError = errors?.form;
  return (
    <div className="page narrow">
      <h1>{t("login.title")}</h1>
      {params.get("losenord") === "sparat" && <Notice>{t("link.done")}</Notice>}
      {demoAccounts && (
        <div className="warning" role="note">
          <p>
            <strong>{t("login.demoTitle")}</strong> {t("login.demoWarning")}
          </p>
        </div>
      )}
      {providerRefusal && (
        <div className="error-summary" role="alert">
          <p>{t(`oidc.error.${providerRefusal satisfies SignInFailure}`)}</p>
        </div>
      )}
      {providers.length > 0 && (
        <ul className="plain-list stack">
          {providers.map((provider) => (
            <li key={provider.organisationId}>
              <a
                className="button"
                href={`/auth/oidc/start?organisation=${provider.organisationId}&redirectTo=${encodeURIComponent(params.get("redirectTo") ?? "/")}`}
              >
                {providers.length > 1
                  ? t("oidc.signInWithFor", {
                      name: provider.displayName,
                      organisation: provider.organisationName,
                    })
                  : t("oidc.signInWith", { name: provider.displayName })}
              </a>
            </li>
          ))}
        </ul>
      )}
      {cookieDropped && (
        <div className="error-summary" role="alert">
          <p>{t("login.needsHttps")}</p>
        </div>
      )}
      {formError ? (
        <div className="error-summary" role="alert">
          <p>
            {formError === "login.throttled"
              ? t("login.throttled", { count: result?.throttledMinutes ?? 1 })
              : formError === "login.passwordsOff"
                ? t("login.passwordsOff")
                : t("login.invalid")}
          </p>
        </div>
      ) : (
        <ErrorSummary
          errors={errors}
          labels={{ email: t("login.email"), password: t("login.password") }}
        />
      )}
      {passwordSignIn && (
        <>
          {providers.length > 0 ? <h2>{t("oidc.orPassword")}</h2> : <p>{t("login.intro")}</p>}
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
            <TextField
              id="email"
              name="email"
              type="email"
              label={t("login.email")}
              autoComplete="username"
              defaultValue={result?.email}
              error={errors?.email}
              required
            />
            <TextField
              id="password"
              name="password"
              type="password"
              label={t("login.password")}
              autoComplete="current-password"
              error={errors?.password}
              required
            />
            <button type="submit" className="button">
              {t("login.submit")}
            </button>
          </Form>
          <p>
            <Link to="/glomt-losenord">{t("forgot.link")}</Link>
          </p>
        </>
      )}
    </div>
  );
}
