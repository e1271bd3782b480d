import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import {
  $createParagraphNode,
  $createTextNode,
  $getRoot,
  $getSelection,
  $isParagraphNode,
  $isTextNode,
  $setState,
  type TextNode,
} from "lexical";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { flatten } from "../../common/comment-anchor";
import {
  $suggestDeletion,
  $suggestInsertion,
  openSuggestions,
  type Suggester,
  settleSuggestions,
  suggestionState,
} from "../../common/suggestions";
import { up as migrateSuggestions } from "../../db/migrations/0029_suggestions_beside_text";
import { loadState } from "../../server/collab/store";
import { documentForExport } from "../../server/domain/document-export";
import {
  createDocument,
  documentContent,
  documentSuggestions,
  getDocument,
} from "../../server/domain/documents";
import { documentOutline } from "../../server/export/document";
import { documentToDocx } from "../../server/export/document-docx";
import { documentToPdf } from "../../server/export/document-pdf";
import { openApiDocument } from "../../server/http/openapi";
import {
  actorFor,
  adoptDocument,
  callApi,
  createTokenAs,
  DEMO_EMAILS,
  type DemoUser,
  type OtherOrganisation,
  seedOtherOrganisation,
} from "../helpers/actions";
import { type LexicalClient, lexicalClient, suggesterOf } from "../helpers/lexical-client";
import { startTestServer, type TestServer } from "../helpers/server";

const TEXT = "Kommunen tillstyrker förslaget med förbehåll.";
const NUMBER = "811218-9876";

let server: TestServer;
let other: OtherOrganisation;
const db = () => server.database.db;
const actor = (who: DemoUser) => actorFor(db(), DEMO_EMAILS[who]);
const clients: LexicalClient[] = [];

async function newDocument(): Promise<string> {
  return createDocument(db(), await actor("member"), { title: "Yttrande", kind: "yttrande" }, () =>
    $getRoot().append($createParagraphNode().append($createTextNode(TEXT))),
  );
}

async function open(who: DemoUser, documentId: string) {
  const client = await lexicalClient(server, DEMO_EMAILS[who], documentId);
  clients.push(client);
  await client.synced;
  return client;
}

/** The first paragraph's text node holding `passage`, and where the passage starts in it. */
function $find(passage: string): [TextNode, number] {
  const paragraph = $getRoot().getFirstChild();
  if (!$isParagraphNode(paragraph)) throw new Error("no paragraph");
  for (const node of paragraph.getChildren()) {
    const at = $isTextNode(node) ? node.getTextContent().indexOf(passage) : -1;
    if (at >= 0) return [node as TextNode, at];
  }
  throw new Error(`"${passage}" is not in the text`);
}

/** `client` suggests `text` right after `passage`. */
const suggestAfter = (client: LexicalClient, passage: string, text: string, by: Suggester) =>
  client.update(() => {
    const [node, at] = $find(passage);
    node.select(at + passage.length, at + passage.length);
    $suggestInsertion(client.doc, by, text);
  });

/** `client` suggests deleting `passage`. */
const suggestDeleting = (client: LexicalClient, passage: string, by: Suggester) =>
  client.update(() => {
    const [node, at] = $find(passage);
    node.select(at, at + passage.length);
    $suggestDeletion(client.doc, by, true);
  });

/** The open suggestions as `client` sees them. */
const openIn = (client: LexicalClient) => openSuggestions(client.doc);

/** The provider's verdict on the client's edits: saved, or the server's refusal. */
function verdict(client: LexicalClient): Promise<string> {
  return new Promise((resolve) => {
    client.provider.on("error", (code: string) => resolve(code));
    void client.saved().then(() => resolve("saved"));
  });
}

beforeAll(async () => {
  server = await startTestServer();
  other = await seedOtherOrganisation(db());
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});
afterAll(() => server?.close());

describe("suggested changes in the Y.Doc", () => {
  it("an insertion and a deletion reach the others and the stored content, and are listed by the API", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    const b = await open("member", documentId);
    const a = await open("admin", documentId);
    const by = suggesterOf(member);
    suggestAfter(b, "förslaget", " i sin helhet", by);
    suggestDeleting(b, "med förbehåll", by);
    expect(await verdict(b)).toBe("saved");
    await expect.poll(() => openIn(a).length).toBe(2);
    expect(a.read(() => $getRoot().getTextContent())).toBe(
      "Kommunen tillstyrker förslaget i sin helhet med förbehåll.",
    );

    const stored = await documentContent(db(), member, documentId);
    expect(stored.html).toContain("<ins");
    expect(stored.html).toContain('title="Förslag att ta bort av Anna Berg, ');

    const token = await createTokenAs(server.url, DEMO_EMAILS.member);
    const response = await callApi(
      server.url,
      token,
      "GET",
      `/documents/${documentId}/suggestions`,
    );
    expect(response.status).toBe(200);
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    ajv.addSchema(openApiDocument as object, "api");
    const valid = ajv.validate({ $ref: "api#/components/schemas/SuggestionList" }, response.body);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // Lexical writes " i sin helhet" before " med" as "i sin helhet " after the space already
    // there: the same text, and the suggestion names the characters written.
    expect(response.body.items).toMatchObject([
      {
        id: "s-1",
        kind: "insert",
        text: "i sin helhet ",
        authorId: member.userId,
        authorName: "Anna Berg",
      },
      { id: "s-2", kind: "delete", text: "med förbehåll", authorId: member.userId },
    ]);
    // Observers read no documents, nor their suggestions; another organisation finds none.
    const observer = await createTokenAs(server.url, DEMO_EMAILS.observer);
    expect(
      (await callApi(server.url, observer, "GET", `/documents/${documentId}/suggestions`)).status,
    ).toBe(403);
    const stranger = await createTokenAs(server.url, other.email, other.password);
    expect(
      (await callApi(server.url, stranger, "GET", `/documents/${documentId}/suggestions`)).status,
    ).toBe(404);

    // Files read as if every suggestion were rejected: the insertion left out, the deletion kept.
    const outline = documentOutline(await documentForExport(db(), member, documentId));
    const fileText = outline.blocks
      .map((block) => ("runs" in block ? block.runs.map((run) => run.text).join("") : ""))
      .join("\n");
    expect(fileText).toBe(TEXT);

    // A accepts the insertion and rejects the deletion: ordinary edits B receives.
    settleSuggestions(a.doc, true, "s-1");
    settleSuggestions(a.doc, false, "s-2");
    expect(await verdict(a)).toBe("saved");
    await expect.poll(() => openIn(b)).toEqual([]);
    expect(b.read(() => $getRoot().getTextContent())).toBe(
      "Kommunen tillstyrker förslaget i sin helhet med förbehåll.",
    );
  });

  it("refuses an identity number inside a suggestion", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    const b = await open("member", documentId);
    suggestAfter(b, "förslaget", ` för ${NUMBER}`, suggesterOf(member));
    expect(await verdict(b)).toBe("personal_data");
    expect((await documentContent(db(), member, documentId)).text).toBe(TEXT);
  });

  it("refuses a suggestion in another's name, from another organisation, or with oversized attributes", async () => {
    const member = await actor("member");
    const admin = await actor("admin");
    const forgeries: Suggester[] = [
      suggesterOf(admin),
      suggesterOf(other.user),
      suggesterOf({ userId: member.userId, name: "Sara Lind" }),
      suggesterOf({ userId: member.userId, name: "Anna Berg".repeat(40) }),
      { ...suggesterOf(member), newId: () => "x".repeat(65) },
      { ...suggesterOf(member), now: () => new Date(Number.NaN) },
    ];
    for (const forged of forgeries) {
      const documentId = await newDocument();
      const b = await open("member", documentId);
      try {
        suggestAfter(b, "förslaget", " i sin helhet", forged);
      } catch {
        // An invalid date cannot even be written by the editor: no suggestion is sent.
        continue;
      }
      expect(await verdict(b)).toBe("invalid_content");
      // The words arrive as ordinary text; the suggestion naming them is refused and not kept.
      expect((await documentContent(db(), member, documentId)).html).not.toContain("<ins");
      expect(await documentSuggestions(db(), member, documentId)).toEqual([]);
    }
  });

  it("refuses a suggestion written as a mark on a text node, the way documents once held them", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    const b = await open("member", documentId);
    b.update(() => {
      const [node] = $find("förslaget");
      $setState(node, suggestionState, {
        kind: "delete" as const,
        id: "mark-1",
        authorId: member.userId,
        authorName: "Anna Berg",
        createdAt: "2026-12-06T10:00:00.000Z",
      });
    });
    expect(await verdict(b)).toBe("invalid_content");
    expect(await documentSuggestions(db(), member, documentId)).toEqual([]);
  });

  it("text another person types inside a suggestion stays theirs: it is neither suggested nor settled with it", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    const b = await open("member", documentId);
    suggestDeleting(b, "med förbehåll", suggesterOf(member, "b"));
    expect(await verdict(b)).toBe("saved");
    // The admin types an ordinary word inside B's deletion: B's deletion keeps its own words.
    const a = await open("admin", documentId);
    a.update(() => {
      const [node, at] = $find("förbehåll");
      node.select(at, at);
      $getSelection()?.insertText("stort ");
    });
    expect(await verdict(a)).toBe("saved");
    expect(openIn(a)).toMatchObject([
      { id: "b-1", kind: "delete", authorId: member.userId, text: "med …förbehåll" },
    ]);
    // Accepting the deletion deletes B's words, not the admin's.
    settleSuggestions(a.doc, true, "b-1");
    expect(await verdict(a)).toBe("saved");
    await expect
      .poll(() => b.read(() => $getRoot().getTextContent()))
      .toBe("Kommunen tillstyrker förslaget stort .");
  });
});

describe("suggested changes in files", () => {
  /** pandoc's reading of a .docx with every tracked change shown: each change and its words. */
  function trackedChanges(docx: Uint8Array) {
    const folder = mkdtempSync(path.join(tmpdir(), "samverkan-docx-"));
    const file = path.join(folder, "yttrande.docx");
    writeFileSync(file, docx);
    const ast = JSON.parse(
      execFileSync("pandoc", ["--track-changes=all", "-f", "docx", "-t", "json", file], {
        encoding: "utf8",
      }),
    );
    const found: { kind: string; author: string; text: string }[] = [];
    const words = (inlines: { t: string; c?: unknown }[]): string =>
      inlines.map((inline) => (inline.t === "Space" ? " " : String(inline.c ?? ""))).join("");
    const visit = (node: unknown) => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (typeof node !== "object" || node === null) return;
      const { t, c } = node as { t?: string; c?: unknown };
      if (t === "Span") {
        const [[, classes, attributes], inlines] = c as [[string, string[], string[][]], never];
        const kind = classes.find((name) => name === "insertion" || name === "deletion");
        if (kind) {
          const author = attributes.find(([key]) => key === "author")?.[1] ?? "";
          found.push({ kind, author, text: words(inlines).trim() });
        }
      }
      visit(c);
    };
    visit(ast.blocks);
    return found;
  }

  it("go with a Word file as tracked changes, and a PDF underlined and struck through, when asked", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    const b = await open("member", documentId);
    const by = suggesterOf(member);
    suggestAfter(b, "förslaget", " i sin helhet", by);
    suggestDeleting(b, "med förbehåll", by);
    expect(await verdict(b)).toBe("saved");

    const tracked = await documentForExport(db(), member, documentId, { suggestions: true });
    expect(trackedChanges(await documentToDocx(tracked))).toEqual([
      { kind: "insertion", author: "Anna Berg", text: "i sin helhet" },
      { kind: "deletion", author: "Anna Berg", text: "med förbehåll" },
    ]);
    const pdf = execFileSync("pdftotext", ["-enc", "UTF-8", "-", "-"], {
      input: await documentToPdf(tracked),
      encoding: "utf8",
    });
    expect(pdf).toContain("i sin helhet");
    expect(pdf).toContain("Understruken text föreslås infogad");
    expect(pdf).toMatch(/Infoga: ”i sin helhet ?” – Anna Berg, \d{4}-\d\d-\d\d \d\d:\d\d/);

    // Without asking, the file reads as if each suggestion were rejected.
    const plain = await documentForExport(db(), member, documentId);
    expect(trackedChanges(await documentToDocx(plain))).toEqual([]);
    // A value other than true or false is refused with the reason.
    const token = await createTokenAs(server.url, DEMO_EMAILS.member);
    const refused = await callApi(
      server.url,
      token,
      "GET",
      `/documents/${documentId}/export?format=docx&suggestions=ja`,
    );
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain("suggestions");
  });
});

describe("documents whose suggestions were marks on text nodes", () => {
  it("get them moved to the map of suggestions, same ids, authors and characters, the text unchanged", async () => {
    const member = await actor("member");
    const mark = (kind: "insert" | "delete", id: string) => ({
      kind,
      id,
      authorId: member.userId,
      authorName: "Anna Berg",
      createdAt: "2026-12-05T13:03:00.000Z",
    });
    const documentId = await createDocument(
      db(),
      member,
      { title: "Äldre yttrande", kind: "yttrande" },
      () => {
        const inserted = $createTextNode(" i sin helhet");
        $setState(inserted, suggestionState, mark("insert", "old-1"));
        const struck = $createTextNode("med förbehåll");
        $setState(struck, suggestionState, mark("delete", "old-2"));
        $getRoot().append(
          $createParagraphNode().append(
            $createTextNode("Kommunen tillstyrker förslaget"),
            inserted,
            $createTextNode(" "),
            struck,
            $createTextNode("."),
          ),
        );
      },
    );
    await migrateSuggestions(db() as never);
    const stored = await loadState(db(), documentId);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored!.state);
    expect(flatten(doc).text).toBe("Kommunen tillstyrker förslaget i sin helhet med förbehåll.\n");
    expect(openSuggestions(doc)).toMatchObject([
      { id: "old-1", kind: "insert", text: " i sin helhet", authorId: member.userId },
      { id: "old-2", kind: "delete", text: "med förbehåll", authorName: "Anna Berg" },
    ]);
    // No marks are left on the text nodes, and the editor settles them like any other.
    expect(JSON.stringify(Y.encodeStateAsUpdate(doc))).not.toContain("old-1");
    const b = await open("member", documentId);
    expect(openIn(b)).toHaveLength(2);
    settleSuggestions(b.doc, true);
    expect(await verdict(b)).toBe("saved");
    expect((await documentContent(db(), member, documentId)).text).toBe(
      "Kommunen tillstyrker förslaget i sin helhet .",
    );
    doc.destroy();
  });
});

describe("adopting a document with suggestions", () => {
  it("is refused while any is open, with a clear message; allowed once they are settled", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    const b = await open("member", documentId);
    suggestAfter(b, "förslaget", " i sin helhet", suggesterOf(member));
    expect(await verdict(b)).toBe("saved");
    const adopt = () => adoptDocument(db(), member, documentId);
    await expect(adopt()).rejects.toMatchObject({
      fields: { status: "validation.openSuggestions" },
    });
    expect((await getDocument(db(), member, documentId)).status).not.toBe("adopted");
    // Through the API too, with the message.
    const token = await createTokenAs(server.url, DEMO_EMAILS.member);
    const document = await getDocument(db(), member, documentId);
    const refused = await callApi(server.url, token, "PATCH", `/documents/${documentId}`, {
      version: document.version,
      status: "adopted",
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain("open suggested changes");

    settleSuggestions(b.doc, true);
    expect(await verdict(b)).toBe("saved");
    expect(await adopt()).toEqual({ adoptedNow: true });
  });
});
