import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { strFromU8, unzipSync } from "fflate";
import type { SerializedEditorState } from "lexical";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { encodeAnchor, flatten, YJS_ROOT_NAME } from "../../common/comment-anchor";
import { formatDate } from "../../common/format";
import { updateToContent } from "../../server/collab/headless";
import { appendUpdate, loadState } from "../../server/collab/store";
import {
  replyToThread,
  setThreadResolved,
  startThread,
} from "../../server/domain/document-comments";
import { openApiDocument } from "../../server/http/openapi";
import { actorFor, createTokenAs, seedOtherOrganisation } from "../helpers/actions";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const MEMBER = "arbetsgrupp@kommun.test";
const CHIEF = "kommunchef@kommun.test";
const OBSERVER = "observator@kommun.test";
/** A member of another organisation (seeded in beforeAll). */
let OTHER: string;

/** Sami, Finnish and Meänkieli letters and symbols outside Windows-1252. */
const SENTENCE = "Čáhcegáddi ŋ đ ŧ Åsa Äänekoski Meänkieli ≥ ł";
const CAPITALS = "ÁČĐŊŠŦŽ áčđŋšŧž – — € § ’ “ ” ≤";
const TITLE = "Yttrande om skolskjuts/Åre";

// ---- Lexical's serialised nodes, as the browser's editor writes them.
const text = (value: string, format = 0) => ({
  type: "text",
  text: value,
  format,
  detail: 0,
  mode: "normal",
  style: "",
  version: 1,
});
const element = (type: string, children: unknown[], extra: Record<string, unknown> = {}) => ({
  type,
  children,
  direction: null,
  format: "",
  indent: 0,
  version: 1,
  ...extra,
});
const paragraph = (...children: unknown[]) =>
  element("paragraph", children, { textFormat: 0, textStyle: "" });
const heading = (tag: string, value: string) => element("heading", [text(value)], { tag });
const item = (value: number, ...children: unknown[]) => element("listitem", children, { value });
const list = (listType: "bullet" | "number", ...items: unknown[]) =>
  element("list", items, { listType, start: 1, tag: listType === "bullet" ? "ul" : "ol" });
const cell = (value: string, headerState = 0) =>
  element("tablecell", [paragraph(text(value))], {
    headerState,
    colSpan: 1,
    rowSpan: 1,
    backgroundColor: null,
  });
const row = (...cells: unknown[]) => element("tablerow", cells);

const CONTENT = {
  root: element("root", [
    heading("h2", "Bakgrund"),
    paragraph(
      text("Kommunen "),
      text("tillstyrker", 1),
      text(" förslaget "),
      text("med", 2),
      text(" "),
      text("förbehåll", 8),
      text(". Se "),
      element("link", [text("Länsstyrelsens remiss")], {
        url: "https://www.lansstyrelsen.se/remiss",
        rel: "noreferrer",
        target: null,
        title: null,
      }),
      text("."),
    ),
    paragraph(text(SENTENCE)),
    paragraph(text(CAPITALS)),
    heading("h3", "Synpunkter"),
    list(
      "bullet",
      item(1, text("Skolskjuts för alla")),
      item(2, list("number", item(1, text("Första steget")), item(2, text("Andra steget")))),
      item(2, text("Tillsyn")),
    ),
    element("quote", [text("Barnets bästa ska komma i främsta rummet.")]),
    element("table", [
      row(cell("Förvaltning", 1), cell("Ansvar", 1)),
      row(cell("Socialtjänst"), cell("Samordnar")),
      row(cell("Skola"), cell("Genomför")),
    ]),
  ]),
} as unknown as SerializedEditorState;

const FRONT_MATTER = {
  frontMunicipality: "Årjängs kommun",
  frontSender: "Socialförvaltningen",
  frontRegistrationNumber: "KS 2026/117",
  frontDate: "2026-12-01",
  frontCaseOfficer: "Sara Lind",
  frontDocumentType: "Yttrande",
};

// ---- Real readers: pandoc for Word, poppler for PDF.

function tempFile(name: string, bytes: Uint8Array): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "samverkan-export-")), name);
  writeFileSync(file, bytes);
  return file;
}

interface PandocNode {
  t: string;
  c?: unknown;
}
function pandoc(bytes: Uint8Array): { blocks: PandocNode[] } {
  return JSON.parse(
    execFileSync(
      "pandoc",
      ["-f", "docx", "-t", "json", "--track-changes=all", tempFile("export.docx", bytes)],
      { encoding: "utf8" },
    ),
  );
}
/** Every node of pandoc's AST, depth first. */
function* nodes(value: unknown): Generator<PandocNode> {
  if (Array.isArray(value)) for (const v of value) yield* nodes(v);
  else if (value && typeof value === "object") {
    if ("t" in value) yield value as PandocNode;
    for (const v of Object.values(value)) yield* nodes(v);
  }
}
/** The plain text of a pandoc node (Str and Space). */
function plain(value: unknown): string {
  let out = "";
  for (const node of nodes(value)) {
    if (node.t === "Str") out += node.c as string;
    else if (["Space", "SoftBreak", "LineBreak", "Para", "Plain", "Header"].includes(node.t))
      out += " ";
  }
  return out.replace(/\s+/g, " ").trim();
}
interface WordComment {
  author: string;
  date: string;
  body: string;
  /** The text between the comment's start and end. */
  passage: string;
}
/** Word comments as pandoc reads them: a "comment-start" span holding the comment, a "comment-end" span. */
function wordComments(doc: { blocks: PandocNode[] }): WordComment[] {
  const found = new Map<string, WordComment>();
  const open = new Set<string>();
  const walk = (value: unknown) => {
    if (Array.isArray(value)) for (const v of value) walk(v);
    if (!value || typeof value !== "object" || !("t" in value)) return;
    const node = value as PandocNode;
    if (node.t === "Span") {
      const [[, classes, attributes], inlines] = node.c as [
        [string, string[], [string, string][]],
        unknown,
      ];
      const attribute = Object.fromEntries(attributes);
      if (classes.includes("comment-start")) {
        const { id, author, date } = attribute;
        found.set(id, { author, date, body: plain(inlines), passage: "" });
        open.add(id);
        return;
      }
      // pandoc nests the ends of comments that end at the same place.
      if (classes.includes("comment-end")) open.delete(attribute.id);
    }
    const piece =
      node.t === "Str"
        ? (node.c as string)
        : ["Space", "SoftBreak", "LineBreak"].includes(node.t)
          ? " "
          : "";
    for (const id of open) (found.get(id) as WordComment).passage += piece;
    walk(node.c);
    if (["Para", "Plain", "Header"].includes(node.t))
      for (const id of open) (found.get(id) as WordComment).passage += " ";
  };
  walk(doc.blocks);
  return [...found.values()].map((c) => ({ ...c, passage: c.passage.replace(/\s+/g, " ").trim() }));
}
const headers = (doc: { blocks: PandocNode[] }) =>
  doc.blocks
    .filter((b) => b.t === "Header")
    .map((b) => {
      const [level, , inlines] = b.c as [number, unknown, unknown];
      return [level, plain(inlines)];
    });

function pdftotext(bytes: Uint8Array): string {
  return execFileSync("pdftotext", ["-enc", "UTF-8", tempFile("export.pdf", bytes), "-"], {
    encoding: "utf8",
  });
}
/** `pdffonts`' table: name, type, encoding, emb, sub, uni per font. */
function pdffonts(bytes: Uint8Array) {
  const lines = execFileSync("pdffonts", [tempFile("export.pdf", bytes)], { encoding: "utf8" })
    .trim()
    .split("\n")
    .slice(2);
  return lines.map((line) => {
    const [name, ...rest] = line.split(/\s+/);
    const [emb, sub, uni] = rest.slice(-5, -2);
    return { name, embedded: emb === "yes", subset: sub === "yes", unicode: uni === "yes" };
  });
}
function pdfinfo(bytes: Uint8Array): string {
  return execFileSync("pdfinfo", [tempFile("export.pdf", bytes)], { encoding: "utf8" });
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(openApiDocument as object, "openapi.json");

/** The documented path a request went to, e.g. /documents/{id}/export. */
function templateOf(pathname: string): string {
  const template = Object.keys(openApiDocument.paths).find((t) =>
    new RegExp(`^${t.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(pathname.split("?")[0]),
  );
  if (!template) throw new Error(`${pathname} is not in the OpenAPI document`);
  return template;
}

/** Every answer is documented for its operation; a JSON body matches the documented schema. */
function checkContract(pathname: string, status: number, type: string, body: unknown) {
  const template = templateOf(pathname);
  const operation = (
    openApiDocument.paths as Record<string, Record<string, { responses: object }>>
  )[template].get;
  expect(operation, `GET ${template} is documented`).toBeDefined();
  expect(Object.keys(operation.responses), `GET ${template} ${status}`).toContain(String(status));
  if (type.startsWith("application/json")) {
    const pointer = encodeURIComponent(template.replace(/\//g, "~1"));
    const ref = `openapi.json#/paths/${pointer}/get/responses/${status}/content/application~1json/schema`;
    const check = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
    expect(check(body), ajv.errorsText(check.errors)).toBe(true);
  }
}

describe("exporting a document to Word and PDF", () => {
  let server: TestServer;
  const tokens = new Map<string, string>();
  const browsers = new Map<string, HttpClient>();
  let documentId: string;
  const db = () => server.database.db;

  async function api(email: string, pathname: string) {
    const response = await fetch(`${server.url}/api/v1${pathname}`, {
      headers: { authorization: `Bearer ${tokens.get(email)}` },
    });
    const type = response.headers.get("content-type") ?? "";
    const bytes = new Uint8Array(await response.arrayBuffer());
    const body = type.startsWith("application/json")
      ? JSON.parse(new TextDecoder().decode(bytes))
      : null;
    checkContract(pathname, response.status, type, body);
    return { status: response.status, headers: response.headers, bytes, body };
  }

  async function writeContent(id: string, content: SerializedEditorState) {
    const stored = await loadState(db(), id);
    if (!stored) throw new Error("no state");
    await appendUpdate(db(), id, updateToContent(stored.state, content), null);
  }

  /** Saves the details form as the document page sends it. */
  async function saveMeta(fields: Record<string, string>) {
    const current = await db()
      .selectFrom("documents")
      .select(["version", "title", "kind"])
      .where("id", "=", documentId)
      .executeTakeFirstOrThrow();
    return (browsers.get(MEMBER) as HttpClient).postForm(`/dokument/${documentId}`, {
      intent: "meta",
      title: current.title,
      kind: current.kind,
      status: "draft",
      version: String(current.version),
      ...fields,
    });
  }

  beforeAll(async () => {
    server = await startTestServer();
    const other = await seedOtherOrganisation(db());
    for (const [email, password] of [
      [MEMBER, undefined],
      [CHIEF, undefined],
      [OBSERVER, undefined],
      [other.email, other.password],
    ] as const) {
      const http = new HttpClient(server.url);
      await http.logIn(email, password);
      browsers.set(email, http);
      tokens.set(email, await createTokenAs(server.url, email, password));
    }
    OTHER = other.email;
    const created = await fetch(`${server.url}/api/v1/documents`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tokens.get(MEMBER)}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ title: TITLE, kind: "yttrande" }),
    });
    documentId = ((await created.json()) as { id: string }).id;
    await writeContent(documentId, CONTENT);
  });
  afterAll(() => server?.close());

  it("the details form stores a validated front matter, and the API shows it", async () => {
    const personal = await saveMeta({ ...FRONT_MATTER, frontCaseOfficer: "Sara 19121212-1212" });
    expect(personal.status).toBe(400);
    expect(textOf(await personal.text())).toContain("personnummer");
    const badDate = await saveMeta({ ...FRONT_MATTER, frontDate: "2026-13-45" });
    expect(badDate.status).toBe(400);

    const saved = await saveMeta(FRONT_MATTER);
    expect(saved.status).toBe(303);
    const one = await api(CHIEF, `/documents/${documentId}`);
    expect(one.status).toBe(200);
    expect(one.body.frontMatter).toEqual({
      municipality: "Årjängs kommun",
      sender: "Socialförvaltningen",
      registrationNumber: "KS 2026/117",
      date: "2026-12-01",
      caseOfficer: "Sara Lind",
      documentType: "Yttrande",
    });
    // The page shows it too (and prints it).
    const chief = browsers.get(CHIEF) as HttpClient;
    const page = textOf(await (await chief.get(`/dokument/${documentId}`)).text());
    expect(page).toContain("KS 2026/117");
    expect(page).toContain("Sara Lind");
  });

  it("Word: real heading styles, nested lists, a table, a link, a quote, formats, front matter and page numbers", async () => {
    const response = await api(CHIEF, `/documents/${documentId}/export?format=docx`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    const today = formatDate(new Date().toISOString());
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="Yttrande-om-skolskjuts-Are-${today}.docx"; filename*=UTF-8''Yttrande-om-skolskjuts-%C3%85re-${today}.docx`,
    );

    const doc = pandoc(response.bytes);
    expect(headers(doc)).toEqual([
      [1, TITLE],
      [2, "Bakgrund"],
      [3, "Synpunkter"],
    ]);
    const all = [...nodes(doc.blocks)];
    const bullet = doc.blocks.find((b) => b.t === "BulletList");
    expect(plain(bullet)).toContain("Skolskjuts för alla");
    const nested = [...nodes(bullet?.c)].find((n) => n.t === "OrderedList");
    expect(plain(nested)).toBe("Första steget Andra steget");
    const table = doc.blocks.find((b) => b.t === "Table");
    expect(plain(table)).toBe("Förvaltning Ansvar Socialtjänst Samordnar Skola Genomför");
    const link = all.find((n) => n.t === "Link");
    expect(plain(link)).toBe("Länsstyrelsens remiss");
    expect(JSON.stringify(link?.c)).toContain("https://www.lansstyrelsen.se/remiss");
    expect(plain(doc.blocks.find((b) => b.t === "BlockQuote"))).toBe(
      "Barnets bästa ska komma i främsta rummet.",
    );
    const formatted = (type: string) => all.filter((n) => n.t === type).map(plain);
    expect(formatted("Strong")).toContain("tillstyrker");
    expect(formatted("Emph")).toContain("med");
    expect(formatted("Underline")).toContain("förbehåll");
    const body = plain(doc.blocks);
    for (const value of Object.values(FRONT_MATTER)) expect(body).toContain(value);
    expect(body).toContain(SENTENCE);
    expect(body).toContain(CAPITALS);

    const files = unzipSync(response.bytes);
    const xml = strFromU8(files["word/document.xml"]);
    for (const style of ["Heading1", "Heading2", "Heading3"])
      expect(xml).toContain(`<w:pStyle w:val="${style}"/>`);
    const footer = Object.entries(files)
      .filter(([name]) => /^word\/footer\d*\.xml$/.test(name))
      .map(([, bytes]) => strFromU8(bytes))
      .join("");
    expect(footer).toContain("Sida ");
    expect(footer).toMatch(/PAGE/);
    expect(footer).toMatch(/NUMPAGES/);
    expect(strFromU8(files["docProps/core.xml"])).toContain(`<dc:title>${TITLE}</dc:title>`);
  });

  it("PDF: every Sami, Finnish and Meänkieli letter extracts, the fonts are embedded, tagged with title and language", async () => {
    const response = await api(CHIEF, `/documents/${documentId}/export?format=pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toMatch(
      /filename\*=UTF-8''Yttrande-om-skolskjuts-%C3%85re-\d{4}-\d{2}-\d{2}\.pdf$/,
    );
    const extracted = pdftotext(response.bytes);
    expect(extracted).toContain(SENTENCE);
    expect(extracted).toContain(CAPITALS);
    expect(extracted).toContain(TITLE);
    expect(extracted).toContain("Bakgrund");
    expect(extracted).toContain("Första steget");
    expect(extracted).toContain("Barnets bästa ska komma i främsta rummet.");
    expect(extracted).toContain("KS 2026/117");
    expect(extracted).toMatch(/Sida 1 av \d/);
    const fonts = pdffonts(response.bytes);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font).toMatchObject({ embedded: true, unicode: true });
    const info = pdfinfo(response.bytes);
    expect(info).toMatch(/Tagged:\s+yes/);
    expect(info).toContain(`Title:           ${TITLE}`);
  });

  it("an adopted document is exported as adopted, with its adoption date; every stored version exports", async () => {
    const draftVersion = await fetch(`${server.url}/api/v1/documents/${documentId}/versions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tokens.get(MEMBER)}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ note: "Första utkastet" }),
    });
    const versionId = ((await draftVersion.json()) as { id: string }).id;
    // The live text moves on; the version keeps what it had.
    await writeContent(documentId, {
      root: element("root", [paragraph(text("Senare text"))]),
    } as unknown as SerializedEditorState);
    const old = await api(
      CHIEF,
      `/documents/${documentId}/export?format=docx&versionId=${versionId}`,
    );
    expect(old.status).toBe(200);
    const oldText = plain(pandoc(old.bytes).blocks);
    expect(oldText).toContain("Bakgrund");
    expect(oldText).not.toContain("Senare text");
    expect(oldText).toContain("Första utkastet");
    expect(
      plain(pandoc((await api(CHIEF, `/documents/${documentId}/export?format=docx`)).bytes).blocks),
    ).toContain("Senare text");

    const adopted = await saveMeta({
      ...FRONT_MATTER,
      status: "adopted",
      confirmAdopt: "on",
    });
    expect(adopted.status).toBe(303);
    const { created_at } = await db()
      .selectFrom("document_versions")
      .select("created_at")
      .where("document_id", "=", documentId)
      .where("adopted", "=", true)
      .executeTakeFirstOrThrow();
    const adoptedOn = formatDate(created_at.toISOString());
    for (const format of ["docx", "pdf"] as const) {
      const file = await api(MEMBER, `/documents/${documentId}/export?format=${format}`);
      expect(file.status).toBe(200);
      expect(file.headers.get("content-disposition")).toContain(
        `-fastst%C3%A4lld-${adoptedOn}.${format}`,
      );
      const content =
        format === "docx"
          ? plain(pandoc(file.bytes).blocks)
          : pdftotext(file.bytes).replace(/\s+/g, " ");
      expect(content).toContain(`Fastställd ${adoptedOn}`);
    }
  });

  it("the period report's PDF embeds its fonts too: Sami, Finnish and Meänkieli names extract as written", async () => {
    const [goal] = (await api(MEMBER, "/goals")).body.items as { id: string }[];
    const [department] = (await api(MEMBER, "/departments")).body.items as { id: string }[];
    const created = await fetch(`${server.url}/api/v1/actions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tokens.get(MEMBER)}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        title: SENTENCE,
        goalId: goal.id,
        departmentId: department.id,
        startDate: "2020-01-01",
      }),
    });
    expect(created.status).toBe(201);
    const periods = (await api(CHIEF, "/periods")).body.items as { id: string }[];
    const chief = browsers.get(CHIEF) as HttpClient;
    const response = await chief.get(`/rapporter/${periods[periods.length - 1].id}?format=pdf`);
    expect(response.status).toBe(200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(pdftotext(bytes).replace(/\s+/g, " ")).toContain(SENTENCE);
    const fonts = pdffonts(bytes);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font).toMatchObject({ embedded: true, unicode: true });
    expect(pdfinfo(bytes)).toMatch(/Tagged:\s+yes/);
  });

  it("Word comments with ?comments=true: each thread on its passage with author and date, replies threaded, resolved ones marked, deleted passages after the text; never a personnummer; none by default", async () => {
    const member = await actorFor(db(), MEMBER);
    const chief = await actorFor(db(), CHIEF);
    const created = await fetch(`${server.url}/api/v1/documents`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tokens.get(MEMBER)}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ title: "Kommenterat yttrande", kind: "yttrande" }),
    });
    const id = ((await created.json()) as { id: string }).id;
    await writeContent(id, CONTENT);
    const storedDoc = async () => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, (await loadState(db(), id))?.state ?? new Uint8Array());
      return doc;
    };
    /** The passage's anchor as the browser sends it, with the comment. */
    const on = async (passage: string, body: string) => {
      const flat = flatten(await storedDoc());
      const start = flat.text.indexOf(passage);
      const anchor = encodeAnchor(flat, start, start + passage.length);
      if (start < 0 || !anchor) throw new Error(`no passage ${passage}`);
      const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
      return {
        anchorStart: base64(anchor.start),
        anchorEnd: base64(anchor.end),
        quote: passage,
        body,
      };
    };
    const onVerb = await startThread(db(), member, id, await on("tillstyrker", "Starkt ord?"));
    await replyToThread(db(), chief, id, onVerb.threadId, { body: "Det står vi för." });
    const onStep = await startThread(db(), member, id, await on("Första steget", "Datum?"));
    await setThreadResolved(db(), member, id, onStep.threadId, true);
    await startThread(db(), chief, id, await on("Samordnar", "Med vem?"));
    const onGone = await startThread(db(), member, id, await on("Meänkieli ≥", "Stavning?"));
    // Stored before the guard refused it (the guard stops such a body at the door).
    await db()
      .updateTable("document_comments")
      .set({ body: "Gäller 19121212-1212 också." })
      .where("id", "=", onGone.commentId)
      .execute();
    // The paragraph with the passage is deleted as the editor deletes a block.
    const doc = await storedDoc();
    const before = Y.encodeStateVector(doc);
    const root = doc.get(YJS_ROOT_NAME, Y.XmlText) as Y.XmlText;
    const blocks = (root.toDelta() as { insert: unknown }[]).map((op) => op.insert);
    root.delete(
      blocks.findIndex((b) => b instanceof Y.XmlText && b.toString().includes("Meänkieli")),
      1,
    );
    await appendUpdate(db(), id, Y.encodeStateAsUpdate(doc, before), null);

    const names = Object.fromEntries(
      (await db().selectFrom("users").select(["email", "name"]).execute()).map((u) => [
        u.email,
        u.name,
      ]),
    );
    const file = await api(MEMBER, `/documents/${id}/export?format=docx&comments=true`);
    expect(file.status).toBe(200);
    const read = pandoc(file.bytes);
    const comments = wordComments(read);
    expect(comments.map(({ author, body, passage }) => ({ author, body, passage }))).toEqual([
      { author: names[MEMBER], body: "Starkt ord?", passage: "tillstyrker" },
      { author: names[CHIEF], body: "Det står vi för.", passage: "tillstyrker" },
      {
        author: names[MEMBER],
        body: expect.stringMatching(/^Datum\? ¶ Löst \d{4}-\d{2}-\d{2} \d{2}:\d{2} av /),
        passage: "Första steget",
      },
      { author: names[CHIEF], body: "Med vem?", passage: "Samordnar" },
      {
        author: names[MEMBER],
        body: "Gäller [personnummer borttaget] också.",
        passage: "Text borttagen: ”Meänkieli ≥”",
      },
    ]);
    for (const comment of comments) expect(comment.date).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // The text reads as before: the comments add nothing to it, the deleted paragraph is gone.
    expect(headers(read)).toEqual([
      [1, "Kommenterat yttrande"],
      [2, "Bakgrund"],
      [3, "Synpunkter"],
      [2, "Kommentarer på borttagen text"],
    ]);
    expect(plain(read.blocks)).not.toContain(SENTENCE);
    // Word's own thread (the reply under its comment) and done state.
    const files = unzipSync(file.bytes);
    const extended = strFromU8(files["word/commentsExtended.xml"]);
    expect(extended.match(/w15:paraIdParent=/g)).toHaveLength(1);
    expect(extended.match(/w15:done="1"/g)).toHaveLength(1);
    const everything = Object.values(files)
      .map((bytes) => strFromU8(bytes))
      .join("");
    expect(everything).not.toMatch(/19121212|121212-?1212/);

    // The PDF lists them after the text.
    const pdf = await api(CHIEF, `/documents/${id}/export?format=pdf&comments=true`);
    const pdfText = pdftotext(pdf.bytes).replace(/\s+/g, " ");
    expect(pdfText).toContain("Kommentarer");
    expect(pdfText).toContain(`${names[CHIEF]}`);
    expect(pdfText).toContain("Det står vi för.");
    expect(pdfText).toContain("Text borttagen: ”Meänkieli ≥”");
    expect(pdfText).not.toMatch(/121212-?1212/);

    // Without the option (or with false) a file has no comments.
    for (const query of ["format=docx", "format=docx&comments=false"]) {
      const plainFile = await api(MEMBER, `/documents/${id}/export?${query}`);
      expect(wordComments(pandoc(plainFile.bytes)), query).toEqual([]);
    }
    expect(
      pdftotext((await api(MEMBER, `/documents/${id}/export?format=pdf`)).bytes),
    ).not.toContain("Det står vi för.");
    const bad = await api(MEMBER, `/documents/${id}/export?format=docx&comments=ja`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty("comments");
    // Those who may not read the document do not get its comments either.
    expect((await api(OBSERVER, `/documents/${id}/export?format=docx&comments=true`)).status).toBe(
      403,
    );
    expect((await api(OTHER, `/documents/${id}/export?format=docx&comments=true`)).status).toBe(
      404,
    );
    // The page's download form asks for the same file.
    const page = browsers.get(MEMBER) as HttpClient;
    const fromPage = await page.get(`/dokument/${id}/export?format=docx&comments=true`);
    expect(fromPage.status).toBe(200);
    expect(wordComments(pandoc(new Uint8Array(await fromPage.arrayBuffer())))).toHaveLength(5);
    expect(
      textOf(await (await page.get(`/dokument/${id}/export?format=pdf&comments=nej`)).text()),
    ).toBe("Ange comments=true eller comments=false.");
  });

  it("refuses an unknown format (400), observers (403), another organisation's document and unknown versions (404)", async () => {
    const unknown = await api(CHIEF, `/documents/${documentId}/export?format=odt`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toHaveProperty("format");
    expect((await api(OBSERVER, `/documents/${documentId}/export?format=pdf`)).status).toBe(403);
    for (const target of [
      `/documents/${documentId}/export?format=docx`,
      `/documents/00000000-0000-4000-8000-000000000000/export?format=docx`,
      `/documents/inte-ett-id/export?format=pdf`,
    ])
      expect((await api(OTHER, target)).status, target).toBe(404);
    const otherVersion = await api(
      CHIEF,
      `/documents/${documentId}/export?format=pdf&versionId=00000000-0000-4000-8000-000000000000`,
    );
    expect(otherVersion.status).toBe(404);
    const anonymous = await fetch(`${server.url}/api/v1/documents/${documentId}/export?format=pdf`);
    expect(anonymous.status).toBe(401);
  });

  it("the document page links its downloads, served to those who may read it", async () => {
    const member = browsers.get(MEMBER) as HttpClient;
    const html = await (await member.get(`/dokument/${documentId}`)).text();
    expect(html).toContain(`<form method="get" action="/dokument/${documentId}/export"`);
    for (const format of ["docx", "pdf"]) expect(html).toContain(`name="format" value="${format}"`);
    expect(html).toMatch(
      /<input type="checkbox" id="export-comments" name="comments"[^>]* value="true"/,
    );
    expect(textOf(html)).toContain("Med kommentarer");
    const [version] = (await api(MEMBER, `/documents/${documentId}/versions`)).body.items as {
      id: string;
    }[];
    const versionPage = await (
      await member.get(`/dokument/${documentId}/versioner/${version.id}`)
    ).text();
    expect(versionPage).toContain(`<input type="hidden" name="versionId" value="${version.id}"/>`);
    expect(versionPage).not.toContain('name="comments"');
    const docx = await member.get(`/dokument/${documentId}/export?format=docx`);
    expect(docx.status).toBe(200);
    expect(docx.headers.get("content-disposition")).toContain(".docx");
    expect(headers(pandoc(new Uint8Array(await docx.arrayBuffer())))[0]).toEqual([1, TITLE]);
    const other = browsers.get(OTHER) as HttpClient;
    expect((await other.get(`/dokument/${documentId}/export?format=pdf`)).status).toBe(404);
    expect((await member.get(`/dokument/${documentId}/export?format=odt`)).status).toBe(400);
    const anonymous = new HttpClient(server.url);
    expect((await anonymous.get(`/dokument/${documentId}/export?format=pdf`)).status).toBe(302);
  });
});
