import { Form, Link, NavLink, useLocation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { Permission } from "../../server/domain/policy";
import { useLocale, useT } from "../utils/i18n";
import { NotificationBell } from "./NotificationBell";
import { OnlineUsers } from "./OnlineUsers";
import { NarrowDisclosure } from "./Responsive";

export interface HeaderUser {
  id: string;
  name: string;
  organisationName: string;
  permissions: Permission[];
  /** Department editors report on their departments' actions in "Att göra". */
  reportsForDepartments: boolean;
  todoCount: number;
  unreadNotifications: number;
}

/** A GET form, so it works without JavaScript and a search can be bookmarked. */
function HeaderSearch() {
  const t = useT();
  return (
    <Form
      method="get"
      action="/sok"
      role="search"
      aria-label={t("search.site")}
      className="header-search"
    >
      <label htmlFor="header-search-q" className="visually-hidden">
        {t("search.title")}
      </label>
      <input type="search" id="header-search-q" name="q" />
      <button type="submit">{t("search.submit")}</button>
    </Form>
  );
}

function LanguageToggle() {
  const locale = useLocale();
  const t = useT();
  const location = useLocation();
  const other = locale === "sv" ? "en" : "sv";
  return (
    <Form method="post" action="/sprak" className="language-toggle">
      <input type="hidden" name="locale" value={other} />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <button type="submit" className="link-button" lang={other}>
        {t("nav.language")}
      </button>
    </Form>
  );
}

/**
 * The user menu: a native disclosure. Closed again after each navigation so it never covers the
 * new page (focus then moves to the new page's content), and by Escape (focus back on the toggle).
 */
function UserMenu({ user }: { user: HeaderUser }) {
  const t = useT();
  const isAdmin = user.permissions.includes("users:manage");
  const location = useLocation();
  const menu = useRef<HTMLDetailsElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every navigation (location.key).
  useEffect(() => {
    const details = menu.current;
    if (!details?.open) return;
    const hadFocus = details.contains(document.activeElement);
    details.open = false;
    if (hadFocus) document.getElementById("main")?.focus();
  }, [location.key]);
  const closeOnEscape = (event: React.KeyboardEvent<HTMLDetailsElement>) => {
    if (event.key !== "Escape" || !menu.current?.open) return;
    // Handled: the site menu around it stays open.
    event.preventDefault();
    menu.current.open = false;
    menu.current.querySelector("summary")?.focus();
  };
  return (
    <details className="user-menu" ref={menu} onKeyDown={closeOnEscape}>
      <summary aria-label={t("nav.userMenu", { name: user.name })}>{user.name}</summary>
      <ul>
        <li>
          <Link to="/installningar">{t("nav.settings")}</Link>
        </li>
        <li>
          <Link to="/installningar/api-nycklar">{t("nav.apiKeys")}</Link>
        </li>
        {isAdmin && (
          <>
            <li>
              <Link to="/admin/anvandare">{t("nav.adminUsers")}</Link>
            </li>
            <li>
              <Link to="/admin/forvaltningar">{t("nav.adminDepartments")}</Link>
            </li>
            <li>
              <Link to="/admin/strategier">{t("nav.adminStrategies")}</Link>
            </li>
            <li>
              <Link to="/admin/personuppgifter">{t("nav.adminPersonalData")}</Link>
            </li>
            <li>
              <Link to="/admin/inloggning">{t("nav.adminSignIn")}</Link>
            </li>
            <li>
              <Link to="/admin/logg">{t("nav.adminAuditLog")}</Link>
            </li>
            <li>
              <Link to="/admin/utskick">{t("nav.adminOutbox")}</Link>
            </li>
            <li>
              <Link to="/admin/webhooks">{t("nav.adminWebhooks")}</Link>
            </li>
            <li>
              <Link to="/admin/organisation">{t("nav.adminOrganisation")}</Link>
            </li>
          </>
        )}
        <li>
          <Form method="post" action="/logout">
            <button type="submit" className="link-button">
              {t("nav.logout")}
            </button>
          </Form>
        </li>
      </ul>
    </details>
  );
}

/** Att göra comes first for the people who report in it. */
function MainNav({ user }: { user: HeaderUser }) {
  const t = useT();
  const todo = user.reportsForDepartments && (
    <li>
      <NavLink to="/att-gora">
        {t("nav.todo")}
        {user.todoCount > 0 && <span className="count-badge"> {user.todoCount}</span>}
      </NavLink>
    </li>
  );
  return (
    <nav aria-label={t("nav.main")} className="main-nav">
      <ul>
        {todo}
        <li>
          <NavLink to="/" end>
            {t("nav.overview")}
          </NavLink>
        </li>
        {user.permissions.includes("actions:read") && (
          <li>
            <NavLink to="/atgarder">{t("nav.actions")}</NavLink>
          </li>
        )}
        {user.permissions.includes("documents:read") && (
          <li>
            <NavLink to="/dokument">{t("nav.documents")}</NavLink>
          </li>
        )}
        <li>
          <NavLink to="/rapporter">{t("nav.reports")}</NavLink>
        </li>
      </ul>
    </nav>
  );
}

/** On a phone everything after the name waits behind the Meny button. */
export function Header({ user }: { user: HeaderUser | null }) {
  const t = useT();
  return (
    <header className="top-bar">
      <Link to="/" className="brand">
        <span className="brand-name">{t("app.name")}</span>
        {user && <span className="brand-org">{user.organisationName}</span>}
      </Link>
      {user ? (
        <NarrowDisclosure id="site-menu" label={t("nav.menu")} className="site-menu">
          <MainNav user={user} />
          <div className="top-bar-end">
            {user.permissions.includes("search:use") && <HeaderSearch />}
            <NotificationBell userId={user.id} unread={user.unreadNotifications} />
            <OnlineUsers userId={user.id} />
            <LanguageToggle />
            <UserMenu user={user} />
          </div>
        </NarrowDisclosure>
      ) : (
        <div className="top-bar-end">
          <LanguageToggle />
        </div>
      )}
    </header>
  );
}
