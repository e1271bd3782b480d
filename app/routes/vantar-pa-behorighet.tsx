import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { pageTitle, useT } from "../utils/i18n";

export const meta: MetaFunction = (args) => pageTitle(args, "pending.title");

/**
 * Where a provider sign-in ends for someone with no role (created just now, or removed from
 * every mapped group): no session is opened, and the page says who can help.
 */
export default function WaitingForAccess() {
  const t = useT();
  return (
    <div className="page narrow">
      <h1>{t("pending.title")}</h1>
      <p>{t("pending.body")}</p>
      <p>{t("pending.next")}</p>
      <p>
        <Link to="/login">{t("pending.signIn")}</Link>
      </p>
    </div>
  );
}
