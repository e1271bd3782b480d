import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDateTime } from "../../common/format";
import { listMailOutbox } from "../../server/domain/notifications";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { guard } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requirePermission(request, context, "mail-outbox:read");
  const cursor = new URL(request.url).searchParams.get("cursor") ?? undefined;
  return {
    ...(await guard(() => listMailOutbox(context.db, actor, { cursor }))),
    smtp: Boolean(context.config.mail.smtpUrl),
  };
}

export const meta: MetaFunction = (args) => pageTitle(args, "outbox.title");

const STATUS_KEYS = {
  kept: "outbox.status.kept",
  sending: "outbox.status.sending",
  sent: "outbox.status.sent",
  failed: "outbox.status.failed",
} as const;

export default function Outbox() {
  const t = useT();
  const { items: entries, nextCursor, smtp } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{t("outbox.title")}</h1>
      <p>{smtp ? t("outbox.introSmtp") : t("outbox.introKept")}</p>
      {entries.length === 0 ? (
        <p>{t("outbox.none")}</p>
      ) : (
        <ol className="stack outbox">
          {entries.map((entry) => (
            <li key={entry.id} className="panel">
              <details>
                <summary>
                  <strong>{entry.subject}</strong>
                  {" – "}
                  {t("outbox.to", { address: entry.to })}
                  {", "}
                  <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                  {", "}
                  {t(STATUS_KEYS[entry.status as keyof typeof STATUS_KEYS] ?? "outbox.status.kept")}
                  {entry.status === "failed" && (
                    <>
                      {" – "}
                      {entry.nextAttemptAt
                        ? t("outbox.retryAt", { time: formatDateTime(entry.nextAttemptAt) })
                        : t("outbox.givenUp", { count: entry.attempts })}
                    </>
                  )}
                </summary>
                {entry.error && <p>{t("outbox.error", { error: entry.error })}</p>}
                <pre className="outbox-text" lang={entry.locale}>
                  {entry.text}
                </pre>
              </details>
            </li>
          ))}
        </ol>
      )}
      {nextCursor && (
        <p>
          <Link to={`/admin/utskick?${new URLSearchParams({ cursor: nextCursor })}`}>
            {t("outbox.older")}
          </Link>
        </p>
      )}
    </div>
  );
}
