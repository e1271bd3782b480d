import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useLocation } from "@remix-run/react";
import { describeUnsubscribeLink } from "../../server/domain/notifications";
import { Notice } from "../components/FormFields";
import { pageTitle, useT } from "../utils/i18n";

/** The page an e-mail's unsubscribe link opens: opening it changes nothing, the button does. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  return {
    kind: describeUnsubscribeLink(context.config, params),
    done: params.klart === "1",
  };
}

export const meta: MetaFunction = (args) => pageTitle(args, "unsubscribe.title");

export default function Unsubscribe() {
  const t = useT();
  const { kind, done } = useLoaderData<typeof loader>();
  const location = useLocation();
  const what = kind ? t(`notificationKind.${kind}`) : "";
  return (
    <div className="page narrow">
      <h1>{t("unsubscribe.title")}</h1>
      {!kind ? (
        <p>{t("unsubscribe.invalid")}</p>
      ) : done ? (
        <Notice>{t("unsubscribe.done", { kind: what })}</Notice>
      ) : (
        // A plain form: the server's one-click handler takes it and sends the browser back here.
        <form method="post" action={`/avregistrera${location.search}`} className="stack">
          <p>{t("unsubscribe.question", { kind: what })}</p>
          <button type="submit" className="button">
            {t("unsubscribe.confirm")}
          </button>
        </form>
      )}
      <p>{t("unsubscribe.settings")}</p>
    </div>
  );
}
