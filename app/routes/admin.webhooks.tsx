import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatDateTime } from "../../common/format";
import type { MessageKey } from "../../common/i18n";
import { WEBHOOK_EVENT_KINDS } from "../../common/webhook-events";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
  type WebhookDeliveryView,
} from "../../server/domain/webhooks";
import { ErrorSummary, Notice, TextField } from "../components/FormFields";
import { ScrollingTable } from "../components/Responsive";
import { ShownOnce } from "../components/ShownOnce";
import { requirePermission } from "../utils/auth.server";
import { echoed } from "../utils/forms";
import { pageTitle, useT } from "../utils/i18n";
import { readForm, runForm } from "../utils/route.server";

const PATH = "/admin/webhooks";
/** The latest deliveries shown per webhook (the API lists 50). */
const SHOWN_DELIVERIES = 10;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "webhooks:manage");
  const webhooks = await listWebhooks(context.db, user);
  return {
    webhooks: await Promise.all(
      webhooks.map(async (webhook) => ({
        ...webhook,
        deliveries: (
          await listWebhookDeliveries(context.db, user, webhook.id, { limit: SHOWN_DELIVERIES })
        ).items,
      })),
    ),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "webhooks:manage");
  const settings = context.config.webhooks;
  const form = await readForm(request);
  const [intent, id = ""] = String(form.get("intent") ?? "").split(":");
  return runForm(form, async () => {
    if (intent === "toggle") {
      const webhook = await getWebhook(context.db, user, id);
      await updateWebhook(context.db, user, settings, id, { enabled: !webhook.enabled });
      return redirect(`${PATH}?sparad=1`, { status: 303 });
    }
    if (intent === "delete") {
      await deleteWebhook(context.db, user, id);
      return redirect(`${PATH}?borttagen=1`, { status: 303 });
    }
    // Answered in place, not redirected: the secret exists only in this response.
    if (intent === "rotate") {
      const { secret } = await rotateWebhookSecret(context.db, user, settings, id);
      const { url } = await getWebhook(context.db, user, id);
      return { ok: true as const, secret: { url, secret } };
    }
    const { webhook, secret } = await createWebhook(context.db, user, settings, {
      url: form.get("url") ?? "",
      events: form.getAll("events").map(String),
    });
    return { ok: true as const, secret: { url: webhook.url, secret } };
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "webhooks.title");

const STATUS_LABELS: Record<WebhookDeliveryView["status"], MessageKey> = {
  pending: "webhooks.statusPending",
  delivered: "webhooks.statusDelivered",
  failed: "webhooks.statusFailed",
};

function Deliveries({ url, deliveries }: { url: string; deliveries: WebhookDeliveryView[] }) {
  const t = useT();
  if (deliveries.length === 0) return <p>{t("webhooks.noDeliveries")}</p>;
  return (
    <ScrollingTable label={`${t("webhooks.deliveries")}: ${url}`}>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t("webhooks.colCreated")}</th>
            <th scope="col">{t("webhooks.colEvent")}</th>
            <th scope="col">{t("webhooks.colStatus")}</th>
            <th scope="col">{t("webhooks.colStatusCode")}</th>
            <th scope="col">{t("webhooks.colDuration")}</th>
            <th scope="col">{t("webhooks.colAttempts")}</th>
            <th scope="col">{t("webhooks.colNextAttempt")}</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((delivery) => (
            <tr key={delivery.id}>
              <td>{formatDateTime(delivery.createdAt)}</td>
              <td>
                {t(`webhooks.event.${delivery.eventType}` as MessageKey)}{" "}
                <span className="meta">#{delivery.eventId}</span>
              </td>
              <td>{t(STATUS_LABELS[delivery.status])}</td>
              <td title={delivery.lastError ?? delivery.lastResponseExcerpt ?? undefined}>
                {delivery.lastStatusCode ?? (delivery.attempts > 0 ? t("webhooks.noAnswer") : "–")}
              </td>
              <td>
                {delivery.lastDurationMs === null
                  ? "–"
                  : t("webhooks.durationMs", { ms: delivery.lastDurationMs })}
              </td>
              <td>{delivery.attempts}</td>
              <td>{delivery.nextAttemptAt ? formatDateTime(delivery.nextAttemptAt) : "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollingTable>
  );
}

export default function Webhooks() {
  const t = useT();
  const { webhooks } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const failure = result?.ok === false ? result : undefined;
  const shown = result?.ok ? result.secret : undefined;
  const confirming = webhooks.find((webhook) => webhook.id === params.get("ta-bort"));
  const chosen = failure?.values.events;
  const labels = { url: t("webhooks.url"), events: t("webhooks.events") };
  return (
    <div className="page narrow">
      <h1>{t("webhooks.title")}</h1>
      <p>{t("webhooks.intro")}</p>
      <p>{t("webhooks.signatureHelp")}</p>
      {params.has("sparad") && <Notice>{t("webhooks.saved")}</Notice>}
      {params.has("borttagen") && <Notice>{t("webhooks.deleted")}</Notice>}

      {shown && (
        <ShownOnce
          id="webhook-secret"
          heading={t("webhooks.secretHeading", { url: shown.url })}
          warning={t("webhooks.secretCopyNow")}
          label={t("webhooks.secret")}
          value={shown.secret}
        />
      )}

      {confirming && (
        <section className="panel" aria-labelledby="confirm-heading">
          <h2 id="confirm-heading">
            {t("webhooks.confirmDeleteHeading", { url: confirming.url })}
          </h2>
          <p>{t("webhooks.confirmDeleteText")}</p>
          <Form method="post" action={PATH} className="button-row">
            <button
              type="submit"
              name="intent"
              value={`delete:${confirming.id}`}
              className="button button-danger"
            >
              {t("webhooks.confirmDelete")}
            </button>
            <Link to={PATH} className="button button-secondary">
              {t("webhooks.cancel")}
            </Link>
          </Form>
        </section>
      )}

      <h2>{t("webhooks.yours")}</h2>
      {webhooks.length === 0 ? (
        <p>{t("webhooks.none")}</p>
      ) : (
        <ul className="plain-list">
          {webhooks.map((webhook) => (
            <li key={webhook.id} className="panel stack">
              <h3>
                <code>{webhook.url}</code>
              </h3>
              <dl>
                <dt>{t("webhooks.state")}</dt>
                <dd>{webhook.enabled ? t("webhooks.enabled") : t("webhooks.disabled")}</dd>
                <dt>{t("webhooks.events")}</dt>
                <dd>{webhook.events.map((kind) => t(`webhooks.event.${kind}`)).join(", ")}</dd>
              </dl>
              <Form method="post" action={PATH} className="button-row">
                <button
                  type="submit"
                  name="intent"
                  value={`toggle:${webhook.id}`}
                  className="button button-secondary"
                >
                  {webhook.enabled ? t("webhooks.disable") : t("webhooks.enable")}
                  <span className="visually-hidden"> {webhook.url}</span>
                </button>
                <button
                  type="submit"
                  name="intent"
                  value={`rotate:${webhook.id}`}
                  className="button button-secondary"
                >
                  {t("webhooks.rotate")}
                  <span className="visually-hidden"> {webhook.url}</span>
                </button>
                <Link to={`${PATH}?ta-bort=${webhook.id}`} className="button button-secondary">
                  {t("webhooks.delete")}
                  <span className="visually-hidden"> {webhook.url}</span>
                </Link>
              </Form>
              <h4>{t("webhooks.deliveries")}</h4>
              <Deliveries url={webhook.url} deliveries={webhook.deliveries} />
            </li>
          ))}
        </ul>
      )}

      <section className="panel" aria-labelledby="add-heading">
        <h2 id="add-heading">{t("webhooks.add")}</h2>
        <Form key={shown?.secret} method="post" action={PATH} className="stack" noValidate>
          <ErrorSummary errors={failure?.fieldErrors} labels={labels} />
          <TextField
            id="url"
            name="url"
            type="url"
            label={labels.url}
            hint={t("webhooks.urlHint")}
            defaultValue={echoed(failure?.values, "url")}
            error={failure?.fieldErrors.url}
          />
          <fieldset
            id="events"
            className={`stack${failure?.fieldErrors.events ? " field-invalid" : ""}`}
            aria-describedby={failure?.fieldErrors.events ? "events-error" : undefined}
          >
            <legend>{labels.events}</legend>
            {failure?.fieldErrors.events && (
              <p className="field-error" id="events-error">
                <span aria-hidden="true">⚠ </span>
                {t(failure.fieldErrors.events as MessageKey)}
              </p>
            )}
            {WEBHOOK_EVENT_KINDS.map((kind) => (
              <div className="checkbox" key={kind}>
                <input
                  type="checkbox"
                  id={`event-${kind}`}
                  name="events"
                  value={kind}
                  defaultChecked={chosen === undefined ? true : [chosen].flat().includes(kind)}
                />
                <label htmlFor={`event-${kind}`}>{t(`webhooks.event.${kind}`)}</label>
              </div>
            ))}
          </fieldset>
          <button type="submit" name="intent" value="create" className="button">
            {t("webhooks.addSubmit")}
          </button>
        </Form>
      </section>
    </div>
  );
}
