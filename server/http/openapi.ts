import { ACTION_STATUSES, ASSESSMENTS, DOCUMENT_KINDS, DOCUMENT_STATUSES } from "../../db/schema";
import { SEARCH_KINDS } from "../domain/search";

const uuid = { type: "string", format: "uuid" } as const;
const date = { type: "string", format: "date", example: "2017-10-12" } as const;
const nullableDate = { type: ["string", "null"], format: "date" } as const;
const dateTime = { type: "string", format: "date-time" } as const;

/** What a client may set on an action, when creating it and when changing it. */
const actionFields = {
  title: { type: "string", maxLength: 200 },
  description: { type: "string" },
  goalId: uuid,
  departmentId: uuid,
  involvedDepartmentIds: { type: "array", items: uuid },
  ownerId: { type: ["string", "null"], format: "uuid" },
  documentId: {
    type: ["string", "null"],
    format: "uuid",
    description:
      "The document (e.g. a samverkansform) the action comes from: one of the organisation's documents, or null",
  },
  startDate: nullableDate,
  dueDate: nullableDate,
  status: { type: "string", enum: [...ACTION_STATUSES] },
  progress: { type: "integer", minimum: 0, maximum: 100 },
} as const;

const error = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});
const json = (schema: object, description = "OK") => ({
  description,
  content: { "application/json": { schema } },
});
const list = (ref: string) =>
  json({
    type: "object",
    required: ["items"],
    properties: { items: { type: "array", items: { $ref: ref } } },
  });

const standardErrors = {
  "401": error("No valid bearer token"),
  "429": error("Too many requests"),
};

/** A document's metadata as every document answer gives it. */
const documentSchema = {
  type: "object",
  additionalProperties: false,
  required: [
    "id",
    "url",
    "title",
    "kind",
    "status",
    "departmentIds",
    "version",
    "createdAt",
    "updatedAt",
    "contentUpdatedAt",
  ],
  properties: {
    id: uuid,
    url: {
      type: "string",
      description: "The document's page in the portal (relative)",
      example: "/dokument/0b6f1c9e-2f7d-4c1b-9a43-5d1a2f0e7c11",
    },
    title: { type: "string", maxLength: 200 },
    kind: { type: "string", enum: [...DOCUMENT_KINDS] },
    status: {
      type: "string",
      enum: [...DOCUMENT_STATUSES],
      description: "draft (utkast) → review (för granskning) → adopted (fastställd, frozen)",
    },
    departmentIds: { type: "array", items: uuid },
    version: {
      type: "integer",
      minimum: 1,
      description: "Version of the metadata (title, kind, departments, status)",
    },
    createdAt: dateTime,
    updatedAt: dateTime,
    contentUpdatedAt: { ...dateTime, description: "When the content was last edited" },
  },
} as const;

/** The contract of /api/v1; tests check real responses against it. */
export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Samverkan API",
    version: "1.0.0",
    description:
      "Actions against the strategy's goals, follow-up periods and assessments, the co-edited documents (their content rendered from the stored Yjs state; editing itself happens over the socket, see docs/collab-protocol.md) and full-text search. Authenticate with `Authorization: Bearer <token>`; create a token in the portal under API-nycklar (or POST /tokens from a signed-in session). A token acts with its owner's permissions.",
  },
  servers: [{ url: "/api/v1" }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    schemas: {
      Error: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            required: ["code", "message"],
            properties: {
              code: {
                type: "string",
                enum: [
                  "invalid_input",
                  "unauthorized",
                  "forbidden",
                  "not_found",
                  "conflict",
                  "payload_too_large",
                  "personal_identity_number",
                  "rate_limited",
                  "internal",
                ],
              },
              message: { type: "string" },
              fields: {
                type: "object",
                additionalProperties: { type: "string" },
                description: "Each bad field with what is wrong",
              },
              current: { $ref: "#/components/schemas/Action" },
            },
          },
        },
      },
      Goal: {
        type: "object",
        required: ["id", "strategyId", "number", "title", "description"],
        properties: {
          id: uuid,
          strategyId: uuid,
          number: { type: "integer" },
          title: { type: "string" },
          description: { type: "string" },
        },
      },
      Department: {
        type: "object",
        required: ["id", "name"],
        properties: { id: uuid, name: { type: "string" } },
      },
      Period: {
        type: "object",
        required: ["id", "name", "startDate", "endDate", "reportDeadline"],
        properties: {
          id: uuid,
          name: { type: "string", example: "2017 T3" },
          startDate: date,
          endDate: date,
          reportDeadline: date,
        },
      },
      Action: {
        type: "object",
        additionalProperties: false,
        required: [
          "id",
          "title",
          "description",
          "goalId",
          "departmentId",
          "involvedDepartmentIds",
          "ownerId",
          "documentId",
          "startDate",
          "dueDate",
          "status",
          "overdue",
          "progress",
          "version",
          "createdAt",
          "updatedAt",
        ],
        properties: {
          id: uuid,
          ...actionFields,
          overdue: {
            type: "boolean",
            description: "Derived (Försenad): past the due date and not done or cancelled",
          },
          version: { type: "integer", minimum: 1 },
          createdAt: { type: "string", format: "date-time" },
          updatedAt: { type: "string", format: "date-time" },
        },
      },
      NewAction: {
        type: "object",
        required: ["title", "goalId", "departmentId"],
        properties: actionFields,
      },
      ActionChanges: {
        type: "object",
        additionalProperties: false,
        required: ["version"],
        description:
          "Only the fields to change, with the version you read. A department editor may send only status and progress.",
        properties: { ...actionFields, version: { type: "integer", minimum: 1 } },
      },
      Document: documentSchema,
      DocumentDetails: {
        ...documentSchema,
        required: [...documentSchema.required, "actions"],
        properties: {
          ...documentSchema.properties,
          actions: {
            type: "array",
            description:
              "The actions created from the document (their documentId is this document), by title",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["id", "title"],
              properties: { id: uuid, title: { type: "string" } },
            },
          },
        },
      },
      NewDocument: {
        type: "object",
        required: ["title", "kind"],
        properties: {
          title: { type: "string", minLength: 1, maxLength: 200 },
          kind: { type: "string", enum: [...DOCUMENT_KINDS] },
          departmentIds: { type: "array", items: uuid },
        },
      },
      DocumentVersion: {
        type: "object",
        additionalProperties: false,
        required: ["id", "note", "adopted", "createdByName", "createdAt"],
        properties: {
          id: uuid,
          note: { type: "string", maxLength: 500 },
          adopted: {
            type: "boolean",
            description: "The version kept when the document was adopted (fastställd)",
          },
          createdByName: { type: ["string", "null"] },
          createdAt: dateTime,
        },
      },
      LexicalDocument: {
        type: "object",
        required: ["root"],
        description: "Lexical's serialised editor state (the editor's own JSON format)",
        properties: {
          root: {
            type: "object",
            required: ["type", "children"],
            properties: {
              type: { const: "root" },
              children: { type: "array", items: { type: "object" } },
            },
          },
        },
      },
      SearchHit: {
        type: "object",
        additionalProperties: false,
        required: ["kind", "id", "title", "snippet", "highlights", "rank", "url"],
        properties: {
          kind: { type: "string", enum: [...SEARCH_KINDS] },
          id: {
            ...uuid,
            description:
              "The action or document; a comment or follow-up hit gives the action it belongs to",
          },
          title: { type: "string" },
          snippet: {
            type: "string",
            description: "Plain text (never HTML) around the matches; escape it when showing it",
          },
          highlights: {
            type: "array",
            description:
              "The matches in `snippet` as [start, end) offsets in UTF-16 code units (JavaScript string indices)",
            items: {
              type: "array",
              items: { type: "integer", minimum: 0 },
              minItems: 2,
              maxItems: 2,
            },
          },
          rank: { type: "number", description: "Higher is better; results come best first" },
          url: { type: "string", example: "/atgarder/…", description: "The page in the portal" },
        },
      },
      FollowUp: {
        type: "object",
        required: ["assessment", "comment"],
        properties: {
          assessment: { type: "string", enum: [...ASSESSMENTS] },
          comment: { type: "string", minLength: 1 },
        },
      },
    },
  },
  paths: {
    "/tokens": {
      post: {
        summary: "Create an API token (signed-in browser session, same origin)",
        security: [],
        requestBody: {
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["name"],
                properties: { name: { type: "string" } },
              },
            },
          },
        },
        responses: {
          "201": json(
            {
              type: "object",
              required: ["id", "token"],
              properties: { id: uuid, token: { type: "string" } },
            },
            "The token, shown once",
          ),
          "400": error("Invalid name"),
          "401": error("Not signed in"),
          "403": error("Not same origin"),
          "422": error("A personal identity number in the name"),
        },
      },
    },
    "/goals": {
      get: {
        summary: "Goals of the active strategy",
        responses: { "200": list("#/components/schemas/Goal"), ...standardErrors },
      },
    },
    "/departments": {
      get: {
        summary: "Departments",
        responses: { "200": list("#/components/schemas/Department"), ...standardErrors },
      },
    },
    "/periods": {
      get: {
        summary: "Follow-up periods",
        responses: { "200": list("#/components/schemas/Period"), ...standardErrors },
      },
    },
    "/actions": {
      get: {
        summary: "List actions",
        parameters: [
          { name: "goalId", in: "query", schema: uuid },
          { name: "departmentId", in: "query", schema: uuid },
          {
            name: "status",
            in: "query",
            schema: { type: "string", enum: [...ACTION_STATUSES, "overdue"] },
          },
          { name: "ownerId", in: "query", schema: uuid },
          { name: "overdue", in: "query", schema: { type: "boolean" } },
          { name: "q", in: "query", schema: { type: "string", maxLength: 200 } },
          {
            name: "sort",
            in: "query",
            schema: {
              type: "string",
              enum: ["title", "dueDate", "status", "updatedAt", "department", "goal"],
            },
          },
          { name: "dir", in: "query", schema: { type: "string", enum: ["asc", "desc"] } },
          {
            name: "limit",
            in: "query",
            schema: { type: "integer", minimum: 1, maximum: 500, default: 100 },
          },
          { name: "cursor", in: "query", schema: { type: "string" } },
        ],
        responses: {
          "200": json({
            type: "object",
            required: ["items"],
            properties: {
              items: { type: "array", items: { $ref: "#/components/schemas/Action" } },
              nextCursor: { type: "string" },
            },
          }),
          "400": error("Invalid filter"),
          ...standardErrors,
        },
      },
      post: {
        summary: "Create an action",
        requestBody: {
          required: true,
          content: { "application/json": { schema: { $ref: "#/components/schemas/NewAction" } } },
        },
        responses: {
          "201": json({ $ref: "#/components/schemas/Action" }, "Created"),
          "400": error("Invalid fields (each named in fields)"),
          "403": error("Role may not create actions"),
          "413": error("Body too large"),
          "422": error("A personal identity number in free text"),
          ...standardErrors,
        },
      },
    },
    "/actions/{id}": {
      parameters: [{ name: "id", in: "path", required: true, schema: uuid }],
      get: {
        summary: "One action",
        responses: {
          "200": json({ $ref: "#/components/schemas/Action" }),
          "404": error("No such action"),
          ...standardErrors,
        },
      },
      patch: {
        summary: "Change an action; send the version you read",
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/ActionChanges" } },
          },
        },
        responses: {
          "200": json({ $ref: "#/components/schemas/Action" }),
          "400": error("Invalid fields"),
          "403": error("Role or department may not change this"),
          "404": error("No such action"),
          "409": error("Stale version; `current` holds the action as it is now"),
          "413": error("Body too large"),
          "422": error("A personal identity number in free text"),
          ...standardErrors,
        },
      },
    },
    "/actions/{id}/followups/{periodId}": {
      parameters: [
        { name: "id", in: "path", required: true, schema: uuid },
        { name: "periodId", in: "path", required: true, schema: uuid },
      ],
      put: {
        summary: "Save the action's assessment for a period",
        requestBody: {
          required: true,
          content: { "application/json": { schema: { $ref: "#/components/schemas/FollowUp" } } },
        },
        responses: {
          "200": json({
            type: "object",
            required: ["actionId", "periodId", "assessment", "comment"],
            properties: {
              actionId: uuid,
              periodId: uuid,
              assessment: { type: "string", enum: [...ASSESSMENTS] },
              comment: { type: "string" },
            },
          }),
          "400": error("Invalid assessment or missing comment"),
          "403": error("Not the action's department"),
          "404": error("No such action or period"),
          "413": error("Body too large"),
          "422": error("A personal identity number in the comment"),
          ...standardErrors,
        },
      },
    },
    "/documents": {
      get: {
        summary: "List documents, newest edit first",
        parameters: [
          { name: "kind", in: "query", schema: { type: "string", enum: [...DOCUMENT_KINDS] } },
          {
            name: "status",
            in: "query",
            schema: { type: "string", enum: [...DOCUMENT_STATUSES] },
          },
          { name: "departmentId", in: "query", schema: uuid },
          {
            name: "q",
            in: "query",
            description: "Part of the title",
            schema: { type: "string", maxLength: 200 },
          },
        ],
        responses: {
          "200": list("#/components/schemas/Document"),
          "400": error("Invalid filter"),
          ...standardErrors,
        },
      },
      post: {
        summary: "Create a document (its first, empty content is made on the server)",
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/NewDocument" } },
          },
        },
        responses: {
          "201": json({ $ref: "#/components/schemas/Document" }, "Created"),
          "400": error("Invalid fields (each named in fields)"),
          "403": error("Role may not create documents"),
          "413": error("Body too large"),
          "422": error("A personal identity number in the title"),
          ...standardErrors,
        },
      },
    },
    "/documents/{id}": {
      parameters: [{ name: "id", in: "path", required: true, schema: uuid }],
      get: {
        summary: "One document's metadata and the actions created from it",
        responses: {
          "200": json({ $ref: "#/components/schemas/DocumentDetails" }),
          "404": error("No such document"),
          ...standardErrors,
        },
      },
    },
    "/documents/{id}/content": {
      parameters: [{ name: "id", in: "path", required: true, schema: uuid }],
      get: {
        summary: "The current content, rendered from the stored Yjs state",
        parameters: [
          {
            name: "format",
            in: "query",
            schema: { type: "string", enum: ["json", "html", "text"], default: "json" },
          },
        ],
        responses: {
          "200": {
            description: "The content in the requested format",
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/LexicalDocument" } },
              "text/html": { schema: { type: "string" } },
              "text/plain": { schema: { type: "string" } },
            },
          },
          "400": error("Unknown format"),
          "404": error("No such document"),
          ...standardErrors,
        },
      },
    },
    "/documents/{id}/versions": {
      parameters: [{ name: "id", in: "path", required: true, schema: uuid }],
      get: {
        summary: "Named versions, newest first",
        responses: {
          "200": list("#/components/schemas/DocumentVersion"),
          "404": error("No such document"),
          ...standardErrors,
        },
      },
      post: {
        summary: "Name the current content as a version",
        requestBody: {
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: { note: { type: "string", maxLength: 500 } },
              },
            },
          },
        },
        responses: {
          "201": json({ $ref: "#/components/schemas/DocumentVersion" }, "Created"),
          "400": error("Invalid note, or the document is adopted (frozen)"),
          "403": error("Role may not edit documents"),
          "404": error("No such document"),
          "422": error("A personal identity number in the note"),
          ...standardErrors,
        },
      },
    },
    "/search": {
      get: {
        summary:
          "Swedish full-text search across actions, comments, follow-up comments and documents (inflected forms match: “samverkansformerna” finds “samverkansform”)",
        parameters: [
          {
            name: "q",
            in: "query",
            required: true,
            schema: { type: "string", minLength: 1, maxLength: 200 },
            description:
              'Words to find; "quoted phrase", or and -word work as in web search engines',
          },
          { name: "kind", in: "query", schema: { type: "string", enum: [...SEARCH_KINDS] } },
          {
            name: "limit",
            in: "query",
            schema: { type: "integer", minimum: 1, maximum: 100, default: 30 },
          },
        ],
        responses: {
          "200": list("#/components/schemas/SearchHit"),
          "400": error("Empty or too long q, or an unknown kind (each named in fields)"),
          ...standardErrors,
        },
      },
    },
  },
} as const;
