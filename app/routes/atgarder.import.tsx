import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import {
  IMPORT_MAX_ROWS,
  type ImportPreview,
  importActions,
  previewActionImport,
} from "../../server/domain/action-csv";
import { ValidationError } from "../../server/domain/errors";
import { type ActionFieldName, useActionFieldLabels } from "../components/ActionFields";
import { Badge } from "../components/Badge";
import { ErrorSummary, TextField, useMessage } from "../components/FormFields";
import { ScrollingTable } from "../components/Responsive";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useLocale, useT } from "../utils/i18n";
import { readForm } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "actions:import");
  return { maxRows: IMPORT_MAX_ROWS, maxBytes: context.config.bodyLimitBytes };
}

/** The uploaded file as text, or why it cannot be read. */
async function readUpload(
  form: FormData,
): Promise<{ content: string; fileName: string } | { error: string }> {
  const file = form.get("file");
  if (file instanceof File) {
    if (file.size === 0) return { error: file.name ? "import.emptyFile" : "import.noFile" };
    const bytes = new Uint8Array(await file.arrayBuffer());
    // A spreadsheet (.xlsx is a zip) or other binary file is not CSV, whatever its name says.
    const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4;
    if (zip || bytes.includes(0)) return { error: "import.unreadable" };
    let content: string;
    try {
      content = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      // Excel's plain "CSV (semikolonavgränsad)" is Windows-1252 on Swedish Windows.
      content = new TextDecoder("windows-1252").decode(bytes);
    }
    return { content, fileName: file.name };
  }
  // Step 2 sends the previewed content back, so nothing is kept on the server in between.
  const content = form.get("content");
  if (typeof content === "string" && content.trim())
    return { content, fileName: String(form.get("fileName") ?? "") };
  return { error: "import.noFile" };
}

interface ImportResult {
  fileError: string | null;
  fileName: string;
  content: string;
  rows: ImportPreview["rows"];
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "actions:import");
  const form = await readForm(request);
  const upload = await readUpload(form);
  if ("error" in upload) {
    return data<ImportResult>(
      { fileError: upload.error, fileName: "", content: "", rows: [] },
      { status: 400 },
    );
  }
  if (form.get("intent") === "import") {
    try {
      const created = await importActions(context.db, user, upload.content);
      return redirect(`/atgarder?importerade=${created.length}`, { status: 303 });
    } catch (error) {
      // The data changed since the preview (say, a department was archived): show it again.
      if (!(error instanceof ValidationError)) throw error;
    }
  }
  const preview = await previewActionImport(context.db, user, upload.content);
  const ok = !preview.fileError && preview.rows.every((r) => Object.keys(r.errors).length === 0);
  return data<ImportResult>(
    { ...upload, fileError: preview.fileError, rows: preview.rows },
    { status: ok ? 200 : 400 },
  );
}

export const meta: MetaFunction = (args) => pageTitle(args, "actionImport.title");

function Preview({ result }: { result: ImportResult }) {
  const t = useT();
  const message = useMessage();
  const labels = useActionFieldLabels();
  const fieldLabel = (field: string) => labels[field as ActionFieldName] ?? field;
  const bad = result.rows.filter((row) => Object.keys(row.errors).length > 0);
  // One summary entry per row and field, each linking to the message in the table.
  const summary: Record<string, string> = {};
  const summaryLabels: Record<string, string> = {};
  for (const row of bad) {
    for (const [field, key] of Object.entries(row.errors)) {
      summary[`rad-${row.line}-${field}`] = key;
      summaryLabels[`rad-${row.line}-${field}`] = t("actionImport.rowField", {
        line: row.line,
        field: fieldLabel(field),
      });
    }
  }
  return (
    <section aria-labelledby="preview-heading" className="stack">
      <h2 id="preview-heading">{t("actionImport.previewHeading")}</h2>
      {result.fileName && (
        <p className="meta">{t("actionImport.fileName", { name: result.fileName })}</p>
      )}
      <p>{t("actionImport.rowCount", { count: result.rows.length })}</p>
      {bad.length > 0 ? (
        <>
          <p className="field-error">{t("actionImport.rowsWithErrors", { count: bad.length })}</p>
          <ErrorSummary errors={summary} labels={summaryLabels} />
        </>
      ) : (
        <p>{t("actionImport.allGood")}</p>
      )}
      <ScrollingTable label={t("actionImport.previewHeading")}>
        <table className="table">
          <caption className="visually-hidden">{t("actionImport.previewHeading")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("actionImport.line")}</th>
              <th scope="col">{labels.title}</th>
              <th scope="col">{t("actionImport.check")}</th>
            </tr>
          </thead>
          <tbody>
            {result.rows.map((row) => {
              const errors = Object.entries(row.errors);
              return (
                <tr key={row.line} className={errors.length > 0 ? "row-invalid" : undefined}>
                  <td>{row.line}</td>
                  <th scope="row">{row.title || "–"}</th>
                  <td>
                    {errors.length === 0 ? (
                      <Badge tone="ok" symbol="✓">
                        {t("actionImport.rowOk")}
                      </Badge>
                    ) : (
                      <ul className="plain-list">
                        {errors.map(([field, key]) => (
                          <li key={field} id={`rad-${row.line}-${field}`} className="field-error">
                            <span aria-hidden="true">⚠ </span>
                            {fieldLabel(field)}: {message(key)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollingTable>
      {bad.length === 0 && (
        <Form method="post" encType="multipart/form-data">
          <textarea name="content" hidden readOnly defaultValue={result.content} />
          <input type="hidden" name="fileName" value={result.fileName} />
          <button type="submit" name="intent" value="import" className="button">
            {t("actionImport.submit", { count: result.rows.length })}
          </button>
        </Form>
      )}
    </section>
  );
}

export default function ImportActions() {
  const t = useT();
  const locale = useLocale();
  const { maxRows, maxBytes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tag = locale === "sv" ? "sv-SE" : "en-GB";
  const size = new Intl.NumberFormat(tag, {
    style: "unit",
    unit: maxBytes >= 1_048_576 ? "megabyte" : "kilobyte",
    maximumFractionDigits: 1,
  }).format(maxBytes >= 1_048_576 ? maxBytes / 1_048_576 : maxBytes / 1024);
  const previewed = result && !result.fileError;
  return (
    <div className="page">
      <p>
        <Link to="/atgarder">← {t("actionList.back")}</Link>
      </p>
      <h1>{t("actionImport.title")}</h1>
      <p>{t("actionImport.intro")}</p>
      {result?.fileError && (
        <ErrorSummary
          errors={{ file: result.fileError }}
          labels={{ file: t("actionImport.file") }}
        />
      )}
      {previewed && <Preview result={result} />}
      <Form method="post" encType="multipart/form-data" className="stack panel" noValidate>
        {previewed && <h2>{t("actionImport.chooseAnother")}</h2>}
        <TextField
          id="file"
          name="file"
          type="file"
          accept=".csv,text/csv"
          label={t("actionImport.file")}
          hint={t("actionImport.limits", { rows: maxRows.toLocaleString(tag), size })}
          error={result?.fileError ?? undefined}
        />
        <button type="submit" name="intent" value="preview" className="button">
          {t("actionImport.preview")}
        </button>
      </Form>
      <section aria-labelledby="columns-heading">
        <h2 id="columns-heading">{t("actionImport.columnsHeading")}</h2>
        <p>{t("actionImport.columnsIntro")}</p>
        <ul>
          <li>{t("actionImport.colTitle")}</li>
          <li>{t("actionImport.colDescription")}</li>
          <li>{t("actionImport.colGoal")}</li>
          <li>{t("actionImport.colDepartment")}</li>
          <li>{t("actionImport.colInvolved")}</li>
          <li>{t("actionImport.colOwner")}</li>
          <li>{t("actionImport.colDates")}</li>
          <li>{t("actionImport.colStatus")}</li>
          <li>{t("actionImport.colProgress")}</li>
        </ul>
        <p>
          <a href="/atgarder.csv?mall=1">{t("actionImport.template")}</a>
          <br />
          <span className="hint">{t("actionImport.templateHint")}</span>
        </p>
      </section>
    </div>
  );
}
