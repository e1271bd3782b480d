import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { expect } from "vitest";
import { callApi, conditionalGet } from "./actions";

type Paths = Record<
  string,
  Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>
>;

/**
 * Calls /api/v1 and holds every answer to the document the server serves: its status must be
 * documented for the operation and its body match the documented schema, as must the request
 * body of a call that succeeded. `observed` collects
 * "METHOD /template STATUS" of every answer, for checking that each documented one was seen.
 */
export async function contractClient(baseUrl: string) {
  const document = (await (await fetch(`${baseUrl}/api/v1/openapi.json`)).json()) as {
    paths: Paths;
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, "openapi.json");
  const observed = new Set<string>();
  const templates = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
  }));

  async function api(token: string | null, method: string, path: string, body?: unknown) {
    const response = await callApi(baseUrl, token, method, path, body);
    const template = templates.find((t) => t.pattern.test(path.split("?")[0]))?.template;
    if (!template) throw new Error(`${path} is not documented`);
    const what = `${method} ${template} ${response.status}`;
    const operation = document.paths[template][method.toLowerCase()];
    expect(Object.keys(operation?.responses ?? {}), what).toContain(String(response.status));
    observed.add(what);
    const pointer = encodeURIComponent(template.replace(/~/g, "~0").replace(/\//g, "~1"));
    const base = `openapi.json#/paths/${pointer}/${method.toLowerCase()}`;
    if (response.status !== 204)
      validate(
        `${base}/responses/${response.status}/content/application~1json/schema`,
        response.body,
        what,
      );
    if (body !== undefined && response.status < 300)
      validate(`${base}/requestBody/content/application~1json/schema`, body, `The body of ${what}`);
    return response;
  }
  /** A GET again with the ETag of its last answer: 304 while unchanged. */
  async function revalidate(token: string, path: string, etag: string) {
    const response = await conditionalGet(baseUrl, token, path, etag);
    const template = templates.find((t) => t.pattern.test(path.split("?")[0]))?.template;
    const what = `GET ${template} ${response.status}`;
    expect(Object.keys(document.paths[template ?? ""]?.get?.responses ?? {}), what).toContain(
      String(response.status),
    );
    observed.add(what);
    return response;
  }
  function validate(ref: string, value: unknown, what: string) {
    const check = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
    if (!check(value))
      throw new Error(`${what} breaks the OpenAPI document: ${ajv.errorsText(check.errors)}`);
  }
  return { api, revalidate, observed };
}
