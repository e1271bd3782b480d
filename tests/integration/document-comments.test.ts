import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import {
  $createParagraphNode,
  $createTextNode,
  $getRoot,
  type ParagraphNode,
  type TextNode,
} from "lexical";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { encodeAnchor, flatten, YJS_ROOT_NAME } from "../../common/comment-anchor";
import { bindHeadlessEditor } from "../../server/collab/headless";
import { appendUpdate, compact, loadState } from "../../server/collab/store";
import {
  listThreads,
  replyToThread,
  setThreadResolved,
  startThread,
} from "../../server/domain/document-comments";
import {
  listReviews,
  markReviewed,
  requestReview,
  reviewsToDo,
} from "../../server/domain/document-reviews";
import { createDocument, getDocument } from "../../server/domain/documents";
import { ForbiddenError, NotFoundError } from "../../server/domain/policy";
import { openApiDocument } from "../../server/http/openapi";
import {
  actorFor,
  adoptDocument,
  callApi,
  createTokenAs,
  DEMO_EMAILS,
  type DemoUser,
  seedOtherOrganisation,
} from "../helpers/actions";
import { contractClient } from "../helpers/api-contract";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const FIRST = "Kommunen tillstyrker förslaget med förbehåll.";
const SECOND = "Skolskjuts ska gälla alla barn.";

let server: TestServer;
let otherOrganisation: Promise<[string, string]> | undefined;
/** The other organisation's member, seeded once for the file. */
const otherOrganisationLogin = () =>
  (otherOrganisation ??= seedOtherOrganisation(db()).then((o) => [o.email, o.password]));
const db = () => server.database.db;
const actor = (who: DemoUser) => actorFor(db(), DEMO_EMAILS[who]);

/** A document with two paragraphs, made on the server as every document is. */
async function newDocument(): Promise<string> {
  return createDocument(
    db(),
    await actor("member"),
    { title: "Yttrande", kind: "yttrande" },
    () => {
      for (const text of [FIRST, SECOND])
        $getRoot().append($createParagraphNode().append($createTextNode(text)));
    },
  );
}

async function storedDoc(documentId: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  const stored = await loadState(db(), documentId);
  if (stored) Y.applyUpdate(doc, stored.state);
  return doc;
}

/** The anchor of `passage` (its first occurrence) in the stored text, as the browser sends it. */
async function anchorOf(documentId: string, passage: string) {
  const flat = flatten(await storedDoc(documentId));
  const start = flat.text.indexOf(passage);
  expect(start).toBeGreaterThanOrEqual(0);
  const anchor = encodeAnchor(flat, start, start + passage.length);
  if (!anchor) throw new Error("no anchor");
  return {
    anchorStart: Buffer.from(anchor.start).toString("base64"),
    anchorEnd: Buffer.from(anchor.end).toString("base64"),
    quote: passage,
  };
}

/** An edit as the browser's binding makes it: `change` on the paragraphs' XmlTexts, stored. */
async function edit(
  documentId: string,
  change: (paragraphs: Y.XmlText[], root: Y.XmlText) => void,
) {
  const doc = await storedDoc(documentId);
  const before = Y.encodeStateVector(doc);
  const root = doc.get(YJS_ROOT_NAME, Y.XmlText) as Y.XmlText;
  const paragraphs = (root.toDelta() as { insert: unknown }[])
    .map((op) => op.insert)
    .filter((insert): insert is Y.XmlText => insert instanceof Y.XmlText);
  doc.transact(() => change(paragraphs, root));
  await appendUpdate(db(), documentId, Y.encodeStateAsUpdate(doc, before), null);
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("comments on a document's text", () => {
  it("start a thread on a passage, reply with an @-mention, resolve and reopen it", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    const chief = await actor("chief");
    const chiefName = (
      await db()
        .selectFrom("users")
        .select("name")
        .where("id", "=", chief.userId)
        .executeTakeFirstOrThrow()
    ).name;
    const { threadId } = await startThread(db(), member, documentId, {
      ...(await anchorOf(documentId, "tillstyrker förslaget")),
      body: `Stämmer detta, @${chiefName}?`,
    });
    // The kommunchef writes no text but comments on it.
    await replyToThread(db(), chief, documentId, threadId, { body: "Ja, efter nämndens beslut." });

    let [thread] = await listThreads(db(), member, documentId);
    expect(thread).toMatchObject({
      id: threadId,
      quote: "tillstyrker förslaget",
      anchorState: "anchored",
      state: "open",
    });
    expect(thread.comments.map((c) => c.body)).toEqual([
      `Stämmer detta, @${chiefName}?`,
      "Ja, efter nämndens beslut.",
    ]);
    expect(thread.comments[0].mentions).toEqual([{ id: chief.userId, name: chiefName }]);
    expect(thread.comments[1].mentions).toEqual([]);

    const events = await db()
      .selectFrom("domain_events")
      .select(["type", "payload"])
      .where("type", "=", "document.comment-added")
      .orderBy("id")
      .execute();
    expect(events.slice(-2).map((e) => e.payload)).toEqual([
      expect.objectContaining({ documentId, threadId, mentionedUserIds: [chief.userId] }),
      expect.objectContaining({ documentId, threadId, mentionedUserIds: [] }),
    ]);

    await setThreadResolved(db(), member, documentId, threadId, true);
    [thread] = await listThreads(db(), member, documentId);
    expect(thread.state).toBe("resolved");
    expect(thread.resolvedByName).not.toBeNull();
    await setThreadResolved(db(), chief, documentId, threadId, false);
    [thread] = await listThreads(db(), member, documentId);
    expect(thread).toMatchObject({ state: "open", resolvedAt: null, resolvedByName: null });
  });

  it("the passage follows the text through edits before, inside and after it, and through compaction", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    await startThread(db(), member, documentId, {
      ...(await anchorOf(documentId, "tillstyrker förslaget")),
      body: "Formulera om.",
    });
    // Lexical keeps a text node as its property map followed by its characters.
    await edit(documentId, ([first]) => {
      first.insert(1, "Nu "); // before the passage
      first.insert(1 + "Nu Kommunen tillstyrker".length, " helt"); // inside it
      first.insert(1 + "Nu Kommunen tillstyrker helt förslaget".length, " i sin helhet"); // just after
    });
    let [thread] = await listThreads(db(), member, documentId);
    expect(thread.quote).toBe("tillstyrker helt förslaget");
    await compact(db(), documentId);
    [thread] = await listThreads(db(), member, documentId);
    expect(thread).toMatchObject({ quote: "tillstyrker helt förslaget", anchorState: "anchored" });
  });

  it("the passage stays found when a word before it in its paragraph is made bold", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    await startThread(db(), member, documentId, {
      ...(await anchorOf(documentId, "med förbehåll")),
      body: "Vilket förbehåll?",
    });
    // Lexical splits the text node; its binding writes the text after the split as new Yjs
    // items, so the characters the anchor stuck to are gone although the words are not.
    const doc = new Y.Doc();
    const session = bindHeadlessEditor(doc, { asEditor: true });
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(await storedDoc(documentId)));
    session.editor.update(() => {}, { discrete: true });
    const before = Y.encodeStateVector(doc);
    session.editor.update(
      () => {
        const text = $getRoot()
          .getFirstChildOrThrow<ParagraphNode>()
          .getFirstChildOrThrow<TextNode>();
        const at = text.getTextContent().indexOf("tillstyrker");
        const [, word] = text.splitText(at, at + "tillstyrker".length);
        word.toggleFormat("bold");
      },
      { discrete: true },
    );
    session.close();
    await appendUpdate(db(), documentId, Y.encodeStateAsUpdate(doc, before), null);
    const [thread] = await listThreads(db(), member, documentId);
    expect(thread).toMatchObject({ anchorState: "anchored", quote: "med förbehåll" });
  });

  it('a thread whose passage was deleted is kept, as "Text borttagen" with the passage it had', async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    await startThread(db(), member, documentId, {
      ...(await anchorOf(documentId, "alla barn")),
      body: "Även förskolan?",
    });
    await edit(documentId, ([, second]) =>
      second.delete(1 + "Skolskjuts ska gälla ".length, "alla barn".length),
    );
    await compact(db(), documentId);
    const [thread] = await listThreads(db(), member, documentId);
    expect(thread).toMatchObject({ anchorState: "deleted", quote: "alla barn", state: "open" });
    expect(thread.comments).toHaveLength(1);
  });

  it("a whole paragraph deleted leaves its threads as deleted text", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    await startThread(db(), member, documentId, {
      ...(await anchorOf(documentId, "Skolskjuts")),
      body: "Stryk?",
    });
    await edit(documentId, (_paragraphs, root) => root.delete(1, 1));
    await compact(db(), documentId);
    const [thread] = await listThreads(db(), member, documentId);
    expect(thread.anchorState).toBe("deleted");
  });

  it("refuses an identity number in a comment, a reply or a quote, and writes nothing", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    const anchor = await anchorOf(documentId, "förbehåll");
    await expect(
      startThread(db(), member, documentId, { ...anchor, body: "Gäller 811218-9876." }),
    ).rejects.toMatchObject({ fields: { body: "validation.identityNumber" } });
    await expect(
      startThread(db(), member, documentId, { ...anchor, quote: "19811218-9876", body: "Ok" }),
    ).rejects.toMatchObject({ fields: { quote: "validation.identityNumber" } });
    expect(await listThreads(db(), member, documentId)).toEqual([]);
    const { threadId } = await startThread(db(), member, documentId, { ...anchor, body: "Ok" });
    await expect(
      replyToThread(db(), member, documentId, threadId, { body: "Se 811218-9876" }),
    ).rejects.toMatchObject({ fields: { body: "validation.identityNumber" } });
    const [thread] = await listThreads(db(), member, documentId);
    expect(thread.comments).toHaveLength(1);
  });

  it("refuses an anchor that is no Yjs position", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    const { anchorEnd } = await anchorOf(documentId, "förbehåll");
    for (const anchorStart of ["/////w==", "AAAA", "not base64!"])
      await expect(
        startThread(db(), member, documentId, { anchorStart, anchorEnd, quote: "x", body: "Ok" }),
      ).rejects.toMatchObject({ fields: { anchorStart: "validation.commentAnchor" } });
    expect(await listThreads(db(), member, documentId)).toEqual([]);
  });

  it("who may read, write and resolve comments follows the policy", async () => {
    const documentId = await newDocument();
    const anchor = await anchorOf(documentId, "förbehåll");
    const { threadId } = await startThread(db(), await actor("admin"), documentId, {
      ...anchor,
      body: "Ok",
    });
    for (const who of ["admin", "member", "editor", "chief"] as const) {
      const a = await actor(who);
      expect(await listThreads(db(), a, documentId)).toHaveLength(1);
      await replyToThread(db(), a, documentId, threadId, { body: `Svar från ${who}` });
      await setThreadResolved(db(), a, documentId, threadId, true);
      await setThreadResolved(db(), a, documentId, threadId, false);
    }
    // Observers read no drafts, so no comments on them either.
    const observer = await actor("observer");
    await expect(listThreads(db(), observer, documentId)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      replyToThread(db(), observer, documentId, threadId, { body: "Hej" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      startThread(db(), observer, documentId, { ...anchor, body: "Hej" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    // Another organisation's person does not find the document.
    const outsider = await actorFor(db(), (await otherOrganisationLogin())[0]);
    await expect(listThreads(db(), outsider, documentId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      setThreadResolved(db(), outsider, documentId, threadId, true),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("an adopted document keeps its comments readable and takes no new ones", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    const { threadId } = await startThread(db(), member, documentId, {
      ...(await anchorOf(documentId, "förbehåll")),
      body: "Ok",
    });
    await adoptDocument(db(), member, documentId);
    expect(await listThreads(db(), member, documentId)).toHaveLength(1);
    await expect(
      replyToThread(db(), member, documentId, threadId, { body: "Sent" }),
    ).rejects.toMatchObject({ fields: { form: "validation.documentFrozen" } });
  });

  it("GET /api/v1/documents/{id}/comments answers the threads as the OpenAPI document says", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    const { threadId } = await startThread(db(), member, documentId, {
      ...(await anchorOf(documentId, "förbehåll")),
      body: "Vilket förbehåll?",
    });
    await replyToThread(db(), await actor("chief"), documentId, threadId, { body: "Se bilagan." });
    const token = await createTokenAs(server.url, DEMO_EMAILS.editor);
    const response = await callApi(server.url, token, "GET", `/documents/${documentId}/comments`);
    expect(response.status).toBe(200);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(openApiDocument as object, "openapi.json");
    const check = ajv.compile({
      $ref: `openapi.json#/paths/${encodeURIComponent("/documents/{id}/comments".replace(/\//g, "~1"))}/get/responses/200/content/application~1json/schema`,
    });
    expect(check(response.body), ajv.errorsText(check.errors)).toBe(true);
    expect(response.body.items).toEqual([
      expect.objectContaining({
        id: threadId,
        quote: "förbehåll",
        state: "open",
        anchorState: "anchored",
        comments: [
          expect.objectContaining({ body: "Vilket förbehåll?" }),
          expect.objectContaining({ body: "Se bilagan." }),
        ],
      }),
    ]);
    const observerToken = await createTokenAs(server.url, DEMO_EMAILS.observer);
    const refused = await callApi(
      server.url,
      observerToken,
      "GET",
      `/documents/${documentId}/comments`,
    );
    expect(refused.status).toBe(403);
  });

  it("through the API: a thread on words, a reply, resolve and reopen, each answered as stored and as documented", async () => {
    const documentId = await newDocument();
    const { api, observed } = await contractClient(server.url);
    const editor = await createTokenAs(server.url, DEMO_EMAILS.editor);
    const chief = await createTokenAs(server.url, DEMO_EMAILS.chief);
    const base = `/documents/${documentId}/comments`;

    const started = await api(editor, "POST", base, {
      passage: "förbehåll",
      body: "Vilket förbehåll?",
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      quote: "förbehåll",
      anchorState: "anchored",
      state: "open",
      comments: [expect.objectContaining({ body: "Vilket förbehåll?" })],
    });
    const threadId = started.body.id;
    // The anchor is the one the editor makes: it follows the words through an edit before them.
    await edit(documentId, ([first]) => first.insert(1, "Nu "));
    const [listed] = (await api(editor, "GET", base)).body.items;
    expect(listed).toMatchObject({ id: threadId, quote: "förbehåll", anchorState: "anchored" });

    const replied = await api(chief, "POST", `${base}/${threadId}/replies`, {
      body: "Se bilagan.",
    });
    expect(replied.status).toBe(201);
    expect(replied.body.comments.map((c: { body: string }) => c.body)).toEqual([
      "Vilket förbehåll?",
      "Se bilagan.",
    ]);
    const resolved = await api(editor, "POST", `${base}/${threadId}/resolve`);
    expect(resolved.body).toMatchObject({ state: "resolved", resolvedByName: "Karin Nilsson" });
    const reopened = await api(chief, "POST", `${base}/${threadId}/reopen`);
    expect(reopened.body).toMatchObject({ state: "open", resolvedAt: null });

    // The second occurrence of a word, and words that are not there.
    const second = await api(editor, "POST", base, {
      passage: "a",
      occurrence: 2,
      body: "Bokstaven.",
    });
    expect(second.status).toBe(201);
    const missing = await api(editor, "POST", base, { passage: "avstyrker", body: "?" });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields).toEqual({ passage: expect.any(String) });
    const strict = await api(editor, "POST", base, { passage: "förbehåll", body: "x", Body: "y" });
    expect(strict.status).toBe(400);
    expect(JSON.stringify(strict.body)).toContain("Body");
    const number = await api(editor, "POST", base, {
      passage: "förbehåll",
      body: "Gäller 19811218-9876.",
    });
    expect(number.status).toBe(422);
    const before = await db().selectFrom("document_comments").select("id").execute();
    expect((await api(editor, "POST", `${base}/${threadId}/replies`, { body: "" })).status).toBe(
      400,
    );
    expect(await db().selectFrom("document_comments").select("id").execute()).toHaveLength(
      before.length,
    );

    // Observers read no drafts; another organisation finds neither document nor thread.
    const observer = await createTokenAs(server.url, DEMO_EMAILS.observer);
    expect((await api(observer, "POST", base, { passage: "förbehåll", body: "x" })).status).toBe(
      403,
    );
    const outsider = await createTokenAs(server.url, ...(await otherOrganisationLogin()));
    expect((await api(outsider, "POST", base, { passage: "förbehåll", body: "x" })).status).toBe(
      404,
    );
    expect((await api(editor, "POST", `${base}/${crypto.randomUUID()}/resolve`)).status).toBe(404);

    // Adopted: the comments stay readable and take nothing new.
    await adoptDocument(db(), await actor("admin"), documentId);
    const frozen = await api(editor, "POST", `${base}/${threadId}/replies`, { body: "Sent." });
    expect(frozen.status).toBe(400);
    for (const what of [
      "POST /documents/{id}/comments 201",
      "POST /documents/{id}/comments 400",
      "POST /documents/{id}/comments 403",
      "POST /documents/{id}/comments 404",
      "POST /documents/{id}/comments 422",
      "POST /documents/{id}/comments/{threadId}/replies 201",
      "POST /documents/{id}/comments/{threadId}/replies 400",
      "POST /documents/{id}/comments/{threadId}/resolve 200",
      "POST /documents/{id}/comments/{threadId}/resolve 404",
      "POST /documents/{id}/comments/{threadId}/reopen 200",
    ])
      expect(observed).toContain(what);
  });
});

describe("review", () => {
  it("Skicka på granskning names reviewers, who see it in Att göra and mark it Granskad", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    const chief = await actor("chief");
    const editor = await actor("editor");
    await requestReview(db(), member, documentId, { reviewerIds: [chief.userId, editor.userId] });
    expect((await getDocument(db(), member, documentId)).status).toBe("review");
    expect((await reviewsToDo(db(), chief)).map((r) => r.documentId)).toContain(documentId);

    await markReviewed(db(), chief, documentId, { comment: "Bra, skicka." });
    const reviews = await listReviews(db(), member, documentId);
    expect(reviews).toHaveLength(2);
    const byChief = reviews.find((r) => r.reviewerId === chief.userId);
    expect(byChief).toMatchObject({ comment: "Bra, skicka." });
    expect(byChief?.reviewedAt).not.toBeNull();
    expect(reviews.find((r) => r.reviewerId === editor.userId)?.reviewedAt).toBeNull();
    expect((await reviewsToDo(db(), chief)).map((r) => r.documentId)).not.toContain(documentId);
    const events = await db()
      .selectFrom("domain_events")
      .select(["type", "payload"])
      .where("type", "in", ["document.review-requested", "document.reviewed"])
      .orderBy("id")
      .execute();
    expect(events.slice(-2)).toEqual([
      {
        type: "document.review-requested",
        payload: { documentId, reviewerIds: [chief.userId, editor.userId] },
      },
      { type: "document.reviewed", payload: { documentId, reviewerId: chief.userId } },
    ]);

    // Only a named reviewer marks it, once; an identity number in the comment is refused.
    await expect(markReviewed(db(), chief, documentId, {})).rejects.toMatchObject({
      fields: { form: "validation.notReviewer" },
    });
    await expect(markReviewed(db(), await actor("admin"), documentId, {})).rejects.toMatchObject({
      fields: { form: "validation.notReviewer" },
    });
    await expect(
      markReviewed(db(), editor, documentId, { comment: "811218-9876" }),
    ).rejects.toMatchObject({ fields: { comment: "validation.identityNumber" } });
  });

  it("only those who write ask for a review, and only of people who may comment", async () => {
    const documentId = await newDocument();
    const chief = await actor("chief");
    const observer = await actor("observer");
    await expect(
      requestReview(db(), chief, documentId, { reviewerIds: [chief.userId] }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const member = await actor("member");
    for (const reviewerIds of [[], [observer.userId], ["nonsense"]])
      await expect(requestReview(db(), member, documentId, { reviewerIds })).rejects.toMatchObject({
        fields: { reviewerIds: "validation.reviewers" },
      });
    expect((await getDocument(db(), member, documentId)).status).toBe("draft");
  });

  it("the document page shows the review and warns about unresolved comments before adoption", async () => {
    const documentId = await newDocument();
    const member = await actor("member");
    await startThread(db(), member, documentId, {
      ...(await anchorOf(documentId, "förbehåll")),
      body: "Ok?",
    });
    await requestReview(db(), member, documentId, {
      reviewerIds: [(await actor("chief")).userId],
    });
    const client = new HttpClient(server.url);
    await client.logIn(DEMO_EMAILS.member);
    const html = await (await client.get(`/dokument/${documentId}`)).text();
    expect(html).toContain("Dokumentet har 1 olöst kommentar.");
    expect(html).toContain("Väntar på granskning");
    const chiefClient = new HttpClient(server.url);
    await chiefClient.logIn(DEMO_EMAILS.chief);
    const todo = await (await chiefClient.get("/att-gora")).text();
    expect(todo).toContain("Dokument att granska");
    expect(todo).toContain(`/dokument/${documentId}`);
  });
});
