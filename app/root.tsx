import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { parse } from "cookie";
import { translator } from "../common/i18n";
import { LOCALES, type Locale } from "../db/schema";
import { countAwaitingFollowUp } from "../server/domain/followups";
import { countUnread } from "../server/domain/notifications";
import { currentPeriod } from "../server/domain/periods";
import { permissionsOf } from "../server/domain/policy";
import { Header } from "./components/Header";
import { useNonce } from "./components/Nonce";
import styles from "./styles/app.css?url";
import { getUser } from "./utils/auth.server";
import { FORBIDDEN_CHARACTER, UNREADABLE_FORM } from "./utils/forms";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context);
  const cookieLocale = parse(request.headers.get("Cookie") ?? "").lang;
  const fallback: Locale = LOCALES.includes(cookieLocale as Locale)
    ? (cookieLocale as Locale)
    : "sv";
  const reportsForDepartments = Boolean(
    user?.roles.includes("editor") && user.departmentIds.length > 0,
  );
  const todoCount =
    user && reportsForDepartments
      ? await countAwaitingFollowUp(context.db, user, await currentPeriod(context.db, user))
      : 0;
  return {
    locale: user?.locale ?? fallback,
    user: user && {
      id: user.userId,
      name: user.name,
      organisationName: user.organisationName,
      roles: user.roles,
      permissions: permissionsOf(user),
      reportsForDepartments,
      todoCount,
      unreadNotifications: user ? await countUnread(context.db, user) : 0,
    },
  };
}

export type RootData = Awaited<ReturnType<typeof loader>>;

function Document({ children, locale }: { children: React.ReactNode; locale: Locale }) {
  const nonce = useNonce();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function Footer({ locale }: { locale: Locale }) {
  const t = translator(locale);
  return (
    <footer className="site-footer">
      <p>{t("footer.about")}</p>
      <Link to="/tillganglighet">{t("footer.accessibility")}</Link>
    </footer>
  );
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<RootData>("root");
  const locale = data?.locale ?? "sv";
  const t = translator(locale);
  return (
    <Document locale={locale}>
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <Header user={data?.user ?? null} />
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <Footer locale={locale} />
    </Document>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const locale = useRouteLoaderData<RootData>("root")?.locale ?? "sv";
  const t = translator(locale);
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const unreadableForm = isRouteErrorResponse(error) && error.data === UNREADABLE_FORM;
  const forbiddenCharacter = isRouteErrorResponse(error) && error.data === FORBIDDEN_CHARACTER;
  const [title, text] =
    status === 404
      ? [t("errors.notFoundTitle"), t("errors.notFound")]
      : status === 403
        ? [t("errors.forbiddenTitle"), t("errors.forbidden")]
        : unreadableForm
          ? [t("errors.unreadableFormTitle"), t("errors.unreadableForm")]
          : forbiddenCharacter
            ? [t("errors.forbiddenCharacterTitle"), t("errors.forbiddenCharacter")]
            : status === 400
              ? [t("errors.badRequestTitle"), t("errors.badRequest")]
              : [t("errors.genericTitle"), t("errors.generic")];
  return (
    <div className="page narrow">
      <title>{`${title} – ${t("app.name")}`}</title>
      <h1>{title}</h1>
      <p>{text}</p>
      <p>
        <Link to="/">{t("errors.toOverview")}</Link>
      </p>
    </div>
  );
}
