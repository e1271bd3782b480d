import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { formatDateTime } from "../../common/format";
import {
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from "../../server/domain/notifications";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { dispatchIntent, guard, readForm, runForm } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requirePermission(request, context, "notifications:read-own");
  const cursor = new URL(request.url).searchParams.get("cursor") ?? undefined;
  return guard(() => listNotifications(context.db, actor, { cursor }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requirePermission(request, context, "notifications:read-own");
  const form = await readForm(request);
  return runForm(form, () =>
    dispatchIntent(form, {
      read: async (id) => {
        await markNotificationRead(context.db, actor, id);
        return redirect("/notiser", { status: 303 });
      },
      "read-all": async () => {
        await markAllNotificationsRead(context.db, actor);
        return redirect("/notiser", { status: 303 });
      },
    }),
  );
}

export const meta: MetaFunction = (args) => pageTitle(args, "notifications.title");

export default function Notifications() {
  const t = useT();
  const { items, unread, nextCursor } = useLoaderData<typeof loader>();
  return (
    <div className="page narrow">
      <h1>{t("notifications.title")}</h1>
      <p>
        {t("notifications.kept")}{" "}
        <Link to="/installningar#notiser">{t("notifications.settingsLink")}</Link>
      </p>
      {unread > 0 && (
        <Form method="post">
          <button type="submit" name="intent" value="read-all" className="button">
            {t("notifications.markAllRead")}
          </button>
        </Form>
      )}
      {items.length === 0 ? (
        <p>{t("notifications.none")}</p>
      ) : (
        <ul className="notification-list">
          {items.map((item) => (
            <li key={item.id} className={item.read ? undefined : "unread"}>
              {!item.read && <strong>{t("notifications.unread")}:</strong>}
              <Link to={item.url}>{item.text}</Link>
              <time className="meta" dateTime={item.createdAt}>
                {formatDateTime(item.createdAt)}
              </time>
              {!item.read && (
                <Form method="post">
                  <button
                    type="submit"
                    name="intent"
                    value={`read:${item.id}`}
                    className="link-button"
                  >
                    {t("notifications.markRead")}
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      )}
      {nextCursor && (
        <p>
          <Link to={`/notiser?${new URLSearchParams({ cursor: nextCursor })}`}>
            {t("notifications.older")}
          </Link>
        </p>
      )}
    </div>
  );
}
