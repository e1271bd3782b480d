import type { NextFunction, Request, Response } from "express";
import type { z } from "zod";
import { ValidationError } from "../../domain/errors";
import { fieldsOf } from "../../domain/validation";
import { apiOperations, openApiDocument } from "../openapi";
import { handleError } from "./respond";

/**
 * Every API body is held to the published contract before the domain sees it, the same for
 * every write: no field the schema does not name, no value of another JSON type ("50" is not an
 * integer). The domain's schemas also read the portal's forms, whose values are all strings, so
 * they convert; the API checks the JSON's shape against the JSON Schema it publishes instead.
 * Wrong values of the right type (an unknown goal, progress 101) stay the domain's to name.
 */

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
};

const components = openApiDocument.components.schemas as Record<string, JsonSchema>;
const resolve = (schema: JsonSchema): JsonSchema =>
  schema.$ref ? resolve(components[schema.$ref.split("/").pop() as string]) : schema;

const jsonType = (value: unknown) =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value;

/** The branches of a schema that accept the value's JSON type (all of them when it names none). */
function branchesFor(schema: JsonSchema, value: unknown): JsonSchema[] | "none" {
  const node = resolve(schema);
  const alternatives = node.anyOf ?? node.oneOf;
  if (alternatives) {
    const fitting = alternatives.flatMap((branch) => {
      const found = branchesFor(branch, value);
      return found === "none" ? [] : found;
    });
    return fitting.length > 0 ? fitting : "none";
  }
  const types =
    node.type !== undefined
      ? [node.type].flat()
      : node.const !== undefined
        ? [jsonType(node.const)]
        : node.enum?.map(jsonType);
  if (!types) return [node];
  const actual = jsonType(value);
  const fits = types.some(
    (type) => type === actual || (type === "integer" && Number.isInteger(value)),
  );
  return fits ? [node] : "none";
}

/** What the schema accepts, for the message: "string or null". */
function expectedTypes(schema: JsonSchema): string {
  const node = resolve(schema);
  const alternatives = node.anyOf ?? node.oneOf;
  if (alternatives) return [...new Set(alternatives.map(expectedTypes))].join(" or ");
  if (node.type !== undefined) return [node.type].flat().join(" or ");
  if (node.const !== undefined) return jsonType(node.const);
  return [...new Set(node.enum?.map(jsonType))].join(" or ");
}

/** Each field of the wrong JSON type or not in the schema, with what is wrong, by its path. */
function shapeErrors(schema: JsonSchema, value: unknown, path = ""): Record<string, string> {
  const branches = branchesFor(schema, value);
  if (branches === "none") {
    const message = `Must be ${expectedTypes(schema)}, not ${jsonType(value)} (the API does not convert types).`;
    return { [path || "body"]: message };
  }
  const node = branches[0];
  const errors: Record<string, string> = {};
  if (Array.isArray(value) && node.items) {
    value.forEach((item, index) => {
      Object.assign(errors, shapeErrors(node.items as JsonSchema, item, `${path}[${index}]`));
    });
  } else if (jsonType(value) === "object" && node.properties) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const field = path ? `${path}.${key}` : key;
      const property = node.properties[key];
      if (property) Object.assign(errors, shapeErrors(property, item, field));
      else if (node.additionalProperties === false)
        errors[field] = "Unknown field: the API accepts only the fields its schema names.";
    }
  }
  return errors;
}

const pathPattern = (template: string) =>
  new RegExp(`^${template.replace(/\{\w+\}/g, "[^/]+")}/?$`);

const paths = openApiDocument.paths as Record<
  string,
  Record<string, { requestBody?: { content: { "application/json": { schema: JsonSchema } } } }>
>;

const bodyChecks = apiOperations.flatMap((operation) => {
  const requestBody = paths[operation.path][operation.method].requestBody;
  if (!operation.body || !requestBody) return [];
  return {
    method: operation.method.toUpperCase(),
    pattern: pathPattern(operation.path),
    zod: operation.body as z.ZodType,
    json: requestBody.content["application/json"].schema,
  };
});

/** Refuses a body of the wrong shape: 400 naming every unknown or mistyped field (and the rest). */
export function enforceBodyContract(req: Request, res: Response, next: NextFunction) {
  const check = bodyChecks.find((c) => c.method === req.method && c.pattern.test(req.path));
  if (!check) return next();
  const body = req.body ?? {};
  const shape = shapeErrors(check.json, body);
  if (Object.keys(shape).length === 0) return next();
  // The domain's complaints about the other fields come in the same answer.
  const result = check.zod.safeParse(body);
  const values = result.success ? {} : fieldsOf(result.error);
  handleError(new ValidationError({ ...values, ...shape }), res);
}
