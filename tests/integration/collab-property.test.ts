import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import {
  $createParagraphNode,
  $createTextNode,
  $getRoot,
  $getSelection,
  $isElementNode,
  $isTextNode,
  type ElementNode,
  type LexicalNode,
  type TextNode,
} from "lexical";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { SocketIoProvider } from "../../app/editor/provider.client";
import { flatten } from "../../common/comment-anchor";
import {
  $suggestDeletion,
  $suggestInsertion,
  openSuggestions,
  type Suggester,
  settleSuggestions,
  suggestionsInJson,
} from "../../common/suggestions";
import type { DatabaseHandle } from "../../db";
import { seedDemo } from "../../db/seed/demo";
import { type RunningApp, startApp } from "../../server/app";
import { bindHeadlessEditor, renderState } from "../../server/collab/headless";
import { COLLAB_LIMITS } from "../../server/collab/limits";
import { type Config, loadConfig } from "../../server/config";
import { createDocument } from "../../server/domain/documents";
import type { Actor } from "../../server/domain/policy";
import { actorFor } from "../helpers/actions";
import { actorOf, contentOf, hubDoc, storedDoc } from "../helpers/collab-wire";
import { createTestDatabase } from "../helpers/database";
import { HttpClient } from "../helpers/http";
import { connectSocket } from "../helpers/socket";

/**
 * Property: whatever 2–8 editors type, format and delete, however their connections drop, their
 * messages get reordered or duplicated, and even if the server restarts in the middle, every
 * editor, the server's in-memory document and the stored one end identical, and every token
 * inserted is there exactly once unless someone deleted it.
 *
 * Seeded and reproducible in its choices (network timing still varies): COLLAB_PROPERTY_SEED and
 * COLLAB_PROPERTY_RUNS override the defaults; COLLAB_PROPERTY_SHRINK=1 shrinks a failure.
 */
const SEED = Number(process.env.COLLAB_PROPERTY_SEED ?? 4_711);
const RUNS = Number(process.env.COLLAB_PROPERTY_RUNS ?? 100);
const CONVERGE_TIMEOUT_MS = 20_000;

const WRITERS = ["arbetsgrupp@kommun.test", "admin@kommun.test"];
const READER = "kommunchef@kommun.test";
const TOKEN = /\[[^\]]*\]/g;

/** The real server, restartable on the same database and port (as after a deploy). */
class Harness {
  app!: RunningApp;
  private config!: Config;
  private constructor(readonly database: DatabaseHandle) {}

  static async start(): Promise<Harness> {
    const harness = new Harness(await createTestDatabase());
    await seedDemo(harness.database.db);
    harness.config = loadConfig({
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: mkdtempSync(path.join(tmpdir(), "samverkan-test-")),
      SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
      SEED_DEMO: "true",
      SCHEDULER_INTERVAL_SECONDS: "0",
    });
    harness.app = await startApp(harness.config, { database: harness.database });
    harness.config = { ...harness.config, port: Number(new URL(harness.app.url).port) };
    return harness;
  }

  async restart() {
    await this.app.close();
    this.app = await startApp(this.config, { database: this.database });
  }

  async close() {
    await this.app.close();
    await this.database.close();
  }
}

/**
 * A test-only stand-in for the provider's socket that can hold back `collab:sync` messages (in
 * either direction) and release them later in reverse order, or deliver them twice.
 */
class FlakyLink {
  holdOut = 0;
  dupOut = 0;
  holdIn = 0;
  dupIn = 0;
  private heldOut: (() => void)[] = [];
  private heldIn: (() => void)[] = [];
  private wrapped = new Map<unknown, (...args: unknown[]) => void>();

  constructor(readonly socket: Socket) {}

  get connected() {
    return this.socket.connected;
  }

  connect() {
    this.socket.connect();
    return this;
  }

  on(event: string, handler: (...args: unknown[]) => void) {
    if (event !== "collab:sync") return this.socket.on(event, handler);
    const wrapped = (payload: unknown) => {
      if (this.dupIn > 0) {
        this.dupIn--;
        handler(payload);
        handler(payload);
      } else if (this.holdIn > 0) {
        this.holdIn--;
        this.heldIn.push(() => handler(payload));
      } else handler(payload);
    };
    this.wrapped.set(handler, wrapped);
    return this.socket.on(event, wrapped);
  }

  off(event: string, handler: (...args: unknown[]) => void) {
    const wrapped = this.wrapped.get(handler);
    this.wrapped.delete(handler);
    return this.socket.off(event, wrapped ?? handler);
  }

  emit(event: string, ...args: unknown[]) {
    if (event !== "collab:sync") return this.socket.emit(event, ...args);
    const [payload, ack] = args;
    if (this.dupOut > 0) {
      this.dupOut--;
      // The copy is a second delivery of the same bytes; only the original's answer counts.
      this.socket.emit(event, payload, () => {});
    } else if (this.holdOut > 0) {
      this.holdOut--;
      this.heldOut.push(() => this.socket.emit(event, payload, ack));
      return this.socket;
    }
    return this.socket.emit(event, ...args);
  }

  /** Delivers everything held back, newest first. */
  release() {
    for (const deliver of this.heldOut.splice(0).reverse()) deliver();
    for (const deliver of this.heldIn.splice(0).reverse()) deliver();
  }

  calm() {
    this.holdOut = this.dupOut = this.holdIn = this.dupIn = 0;
    this.release();
  }
}

interface Editor {
  link: FlakyLink;
  doc: Y.Doc;
  provider: SocketIoProvider;
  /** Cut by the test; a link the server dropped has to reconnect on its own. */
  offline: boolean;
}

type NetworkOp =
  | { kind: "disconnect" | "reconnect" | "release"; client: number }
  | { kind: "chaos"; client: number; mode: "holdOut" | "dupOut" | "holdIn" | "dupIn"; n: number };

type Op =
  | { kind: "insert"; client: number; at: number }
  | { kind: "delete"; client: number; at: number }
  | { kind: "format"; client: number; at: number; span: number; attr: string; on: boolean }
  | NetworkOp
  | { kind: "pause"; ms: number };

const client = fc.nat(7);
/** Links cut and restored, messages held back and reordered or duplicated, pauses. */
const networkArbitraries = [
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("disconnect"), client }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reconnect"), client }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("chaos"),
      client,
      mode: fc.constantFrom("holdOut", "dupOut", "holdIn", "dupIn"),
      n: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("release"), client }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("pause"), ms: fc.integer({ min: 0, max: 15 }) }),
  },
] as { weight: number; arbitrary: fc.Arbitrary<Op> }[];
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant("insert"), client, at: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("delete"), client, at: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("format"),
      client,
      at: fc.nat(),
      span: fc.integer({ min: 1, max: 3 }),
      attr: fc.constantFrom("bold", "italic"),
      on: fc.boolean(),
    }),
  },
  ...networkArbitraries,
) as fc.Arbitrary<Op>;

interface Scenario<O = Op> {
  clients: number;
  ops: O[];
  restartAt: number | null;
}

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record({
  clients: fc.integer({ min: 2, max: 8 }),
  ops: fc.array(opArbitrary, { minLength: 10, maxLength: 40 }),
  // A server restart in about one run in eight, at some point among the operations.
  restartAt: fc.oneof(
    { weight: 7, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.nat() },
  ),
});

/**
 * Suggestions: editors with Lexical (headless, bound like the browser's) insert tokens as
 * ordinary text or as suggested insertions, suggest deleting tokens, and accept or reject what
 * they see open (one, or all at once) — concurrently, over the same flaky links.
 */
type SuggestionOp =
  | { kind: "insert" | "suggest-insert" | "suggest-delete"; client: number; at: number }
  | { kind: "settle"; client: number; at: number; accept: boolean }
  | { kind: "settle-all"; client: number; accept: boolean }
  | NetworkOp
  | { kind: "pause"; ms: number };

const suggestionOpArbitrary = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("insert"), client, at: fc.nat() }) },
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant("suggest-insert"), client, at: fc.nat() }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant("suggest-delete"), client, at: fc.nat() }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("settle"),
      client,
      at: fc.nat(),
      accept: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("settle-all"), client, accept: fc.boolean() }),
  },
  ...networkArbitraries,
) as fc.Arbitrary<SuggestionOp>;

const suggestionScenarioArbitrary = fc.record({
  clients: fc.integer({ min: 2, max: 5 }),
  ops: fc.array(suggestionOpArbitrary, { minLength: 10, maxLength: 40 }),
  restartAt: fc.oneof(
    { weight: 7, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.nat() },
  ),
});
const SUGGESTION_RUNS = Number(process.env.COLLAB_PROPERTY_SUGGESTION_RUNS ?? 30);

/**
 * The words editors type through Lexical, each between a letter of its own ("ă12.3ă"): Lexical
 * writes a change to the Y.Doc as the difference of two strings, so a word beginning like the
 * text after it ("[5.1]" before "[4.2]") would be written one character along, its "[" taken
 * from its neighbour — the same text, but not the same characters. Words that share no edge
 * with their neighbours keep each character theirs, so the text can be checked word by word.
 */
const WORD = /([\u0100-\u024f])\d+\.\d+\1/g;
const wordOf = (index: number, client: number) => {
  const edge = String.fromCharCode(0x100 + ((index * 8 + client) % 0x150));
  return `${edge}${index}.${client}${edge}`;
};
/**
 * The suggestion scenario's paragraph starts with this, which nobody deletes: the words are typed
 * after it into the same text node, which so never empties. (A text node removed while another
 * editor types into it loses that typing in Lexical's binding, with or without suggestions.)
 */
const ANCHOR = "§ ";
const wordsIn = (text: string) => [...text.matchAll(WORD)].map((match) => match[0]);

/** Every word in the document's text nodes: the node it is in and where. */
function $tokens(): { node: TextNode; start: number; token: string }[] {
  const found: { node: TextNode; start: number; token: string }[] = [];
  const visit = (node: LexicalNode) => {
    if ($isTextNode(node))
      for (const match of node.getTextContent().matchAll(WORD))
        found.push({ node, start: match.index as number, token: match[0] });
    else if ($isElementNode(node)) for (const child of node.getChildren()) visit(child);
  };
  visit($getRoot());
  return found;
}

const $text = () => $getRoot().getTextContent();

/** A place between tokens (or at the start of the first paragraph), as a collapsed selection. */
function $caretAt(at: number) {
  const tokens = $tokens();
  const choice = at % (tokens.length + 1);
  if (choice === tokens.length) {
    const first = $getRoot().getFirstChildOrThrow<ElementNode>().getFirstChildOrThrow<TextNode>();
    return first.select(ANCHOR.length, ANCHOR.length);
  }
  const { node, start, token } = tokens[choice];
  return node.select(start + token.length, start + token.length);
}

const tokensIn = (text: string) => [...text.matchAll(TOKEN)];
const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe("co-editing property: concurrent edits, flaky links and a restart converge", () => {
  let harness: Harness;
  let actor: Actor;
  const totals = {
    restarts: 0,
    disconnects: 0,
    held: 0,
    duplicated: 0,
    tokens: 0,
    editors: 0,
    settled: 0,
  };
  const writers: { userId: string; name: string }[] = [];
  const cookies = new Map<string, string>();
  const saved = { ...COLLAB_LIMITS };

  beforeAll(async () => {
    // Many editors share two demo accounts here; the rate limit has its own test.
    COLLAB_LIMITS.updatesPerSecond = 100_000;
    COLLAB_LIMITS.burst = 100_000;
    // Compaction then runs during the edits, not only in a test of its own.
    COLLAB_LIMITS.compactAfterUpdates = 15;
    harness = await Harness.start();
    actor = await actorOf(harness.database.db, "arbetsgrupp@kommun.test");
    for (const email of WRITERS) writers.push(await actorFor(harness.database.db, email));
    for (const email of [...WRITERS, READER]) {
      const http = new HttpClient(harness.app.url);
      await http.logIn(email);
      cookies.set(email, http.cookieHeader);
    }
  });
  afterAll(async () => {
    Object.assign(COLLAB_LIMITS, saved);
    await harness?.close();
  });

  function openEditor(email: string, documentId: string): Editor {
    const socket = connectSocket(harness.app.url, {
      cookie: cookies.get(email)!,
      reconnectionDelay: 20,
      reconnectionDelayMax: 100,
    });
    const link = new FlakyLink(socket);
    const doc = new Y.Doc();
    const provider = new SocketIoProvider(link as unknown as Socket, documentId, doc);
    const editor: Editor = { link, doc, provider, offline: false };
    provider.connect();
    return editor;
  }

  /** What the network does to one editor's link. */
  function network(editor: Editor, op: NetworkOp) {
    switch (op.kind) {
      case "disconnect":
        totals.disconnects++;
        editor.offline = true;
        editor.link.socket.disconnect();
        break;
      case "reconnect":
        editor.offline = false;
        if (!editor.link.connected) editor.link.socket.connect();
        break;
      case "chaos":
        if (op.mode.startsWith("hold")) totals.held += op.n;
        else totals.duplicated += op.n;
        editor.link[op.mode] += op.n;
        break;
      case "release":
        editor.link.release();
        break;
    }
  }

  /**
   * The network heals: every held message delivered, everyone back online. Only the links the
   * test cut are reconnected here: after a server restart the others must come back by
   * themselves. Then waits until every editor and the server hold the same state.
   */
  async function healAndConverge(everyone: Editor[], documentId: string) {
    const reader = everyone.at(-1);
    for (const editor of everyone) {
      editor.link.calm();
      if (editor.offline) editor.link.socket.connect();
      editor.offline = false;
    }
    const converged = () => {
      const server = hubDoc(harness.app.collab, documentId);
      if (!server) return false;
      const vector = Buffer.from(Y.encodeStateVector(server));
      return everyone.every(
        (e) =>
          e.link.connected &&
          (e === reader || e.provider.saveState === "saved") &&
          vector.equals(Buffer.from(Y.encodeStateVector(e.doc))),
      );
    };
    const deadline = Date.now() + CONVERGE_TIMEOUT_MS;
    while (!converged()) {
      if (Date.now() > deadline) {
        throw new Error(
          `no convergence: ${everyone
            .map((e) => `${e.link.connected ? "on" : "off"}/${e.provider.saveState}`)
            .join(", ")}`,
        );
      }
      await tick(20);
    }
  }

  async function runScenario(scenario: Scenario) {
    const db = harness.database.db;
    const documentId = await createDocument(db, actor, { title: "Egenskapstest", kind: "ovrigt" });
    const editors = Array.from({ length: scenario.clients }, (_, i) =>
      openEditor(WRITERS[i % WRITERS.length], documentId),
    );
    const reader = openEditor(READER, documentId);
    totals.editors += editors.length;
    const everyone = [...editors, reader];
    const inserted = new Set<string>();
    const deleted = new Set<string>();
    const restartAt = scenario.restartAt === null ? -1 : scenario.restartAt % scenario.ops.length;
    try {
      await Promise.all(
        everyone.map((e) => new Promise<void>((resolve) => e.provider.on("sync", () => resolve()))),
      );
      for (const [index, op] of scenario.ops.entries()) {
        if (index === restartAt) {
          await harness.restart();
          totals.restarts++;
        }
        if (op.kind === "pause") {
          await tick(op.ms);
          continue;
        }
        const editor = editors[op.client % editors.length];
        const text = editor.doc.getText("t");
        const tokens = tokensIn(text.toString());
        switch (op.kind) {
          case "insert": {
            const token = `[${index}.${op.client % editors.length}]`;
            const at = tokens.length === 0 ? 0 : op.at % (tokens.length + 1);
            const position = at === tokens.length ? text.length : (tokens[at].index as number);
            text.insert(position, token);
            inserted.add(token);
            totals.tokens++;
            break;
          }
          case "delete": {
            if (tokens.length === 0) break;
            const victim = tokens[op.at % tokens.length];
            text.delete(victim.index as number, victim[0].length);
            deleted.add(victim[0]);
            break;
          }
          case "format": {
            if (tokens.length === 0) break;
            const first = tokens[op.at % tokens.length];
            const last = tokens[Math.min(tokens.length - 1, (op.at % tokens.length) + op.span - 1)];
            const start = first.index as number;
            const end = (last.index as number) + last[0].length;
            text.format(start, end - start, { [op.attr]: op.on ? true : null });
            break;
          }
          default:
            network(editor, op);
        }
        await tick();
      }

      await healAndConverge(everyone, documentId);

      const server = hubDoc(harness.app.collab, documentId)!;
      const expected = contentOf(server);
      for (const editor of everyone) expect(contentOf(editor.doc)).toEqual(expected);
      const stored = await storedDoc(db, documentId);
      expect(contentOf(stored)).toEqual(expected);

      // Against the model: each token once, exactly the inserted ones nobody deleted.
      const finalText = server.getText("t").toString();
      const finalTokens = tokensIn(finalText).map((m) => m[0]);
      expect(finalTokens.join("")).toBe(finalText);
      expect(new Set(finalTokens).size).toBe(finalTokens.length);
      expect(new Set(finalTokens)).toEqual(
        new Set([...inserted].filter((token) => !deleted.has(token))),
      );
      stored.destroy();
    } finally {
      for (const editor of everyone) {
        editor.link.calm();
        editor.provider.disconnect();
        editor.link.socket.close();
        editor.doc.destroy();
      }
    }
  }

  async function runSuggestionScenario(scenario: Scenario<SuggestionOp>) {
    const db = harness.database.db;
    const documentId = await createDocument(
      db,
      actor,
      { title: "Förslagstest", kind: "ovrigt" },
      () => $getRoot().append($createParagraphNode().append($createTextNode(ANCHOR))),
    );
    const editors = Array.from({ length: scenario.clients }, (_, i) =>
      openEditor(WRITERS[i % WRITERS.length], documentId),
    );
    const reader = openEditor(READER, documentId);
    const everyone = [...editors, reader];
    // Bound before the server's state arrives, as the browser's editor is.
    const bound = everyone.map((e) => bindHeadlessEditor(e.doc, { asEditor: true }));
    // The server refuses nothing an honest editor sends.
    const refusals: string[] = [];
    for (const e of everyone) e.provider.on("error", (code: string) => refusals.push(code));
    const lexical = (i: number) => bound[i].editor;
    const suggesters: Suggester[] = editors.map((_, i) => {
      const writer = writers[i % writers.length];
      let next = 0;
      return {
        authorId: writer.userId,
        authorName: writer.name,
        newId: () => `c${i}-${++next}`,
        now: () => new Date(),
      };
    });
    const inserted = new Set<string>();
    // Words some editor removed from its own view: its rejection of a suggested insertion, its
    // acceptance of a suggested deletion, or its deletion of its own suggested insertion.
    const removed = new Set<string>();
    const restartAt = scenario.restartAt === null ? -1 : scenario.restartAt % scenario.ops.length;
    /** Runs one editor's change, noting the words it removed from that editor's Y.Doc. */
    const change = (i: number, work: () => void) => {
      const before = wordsIn(flatten(editors[i].doc).text);
      work();
      const after = new Set(wordsIn(flatten(editors[i].doc).text));
      for (const word of before) if (!after.has(word)) removed.add(word);
    };
    const update = (i: number, work: () => void) =>
      change(i, () => lexical(i).update(work, { discrete: true }));
    try {
      await Promise.all(
        everyone.map((e) => new Promise<void>((resolve) => e.provider.on("sync", () => resolve()))),
      );
      for (const [index, op] of scenario.ops.entries()) {
        if (index === restartAt) {
          await harness.restart();
          totals.restarts++;
        }
        if (op.kind === "pause") {
          await tick(op.ms);
          continue;
        }
        const i = op.client % editors.length;
        const doc = editors[i].doc;
        switch (op.kind) {
          case "insert":
          case "suggest-insert": {
            const word = wordOf(index, i);
            inserted.add(word);
            totals.tokens++;
            update(i, () => {
              $caretAt(op.at);
              if (op.kind === "insert") $getSelection()?.insertText(word);
              else $suggestInsertion(doc, suggesters[i], word);
            });
            break;
          }
          case "suggest-delete":
            update(i, () => {
              const tokens = $tokens();
              if (tokens.length === 0) return;
              const { node, start, token } = tokens[op.at % tokens.length];
              node.select(start, start + token.length);
              $suggestDeletion(doc, suggesters[i], true);
            });
            break;
          case "settle":
            change(i, () => {
              const open = openSuggestions(doc);
              if (open.length > 0) settleSuggestions(doc, op.accept, open[op.at % open.length].id);
            });
            totals.settled++;
            break;
          case "settle-all":
            change(i, () => settleSuggestions(doc, op.accept));
            totals.settled++;
            break;
          default:
            network(everyone[i], op);
        }
        await tick();
      }
      // Lexical applies what arrives from Yjs in an update of its own, and may send back what it
      // normalises then (adjacent text nodes merged): flushed until nothing more changes.
      const flush = () => {
        const before = everyone.map((e) => Y.encodeStateAsUpdate(e.doc).length);
        for (const { editor } of bound) editor.update(() => {}, { discrete: true });
        return everyone.some((e, i) => Y.encodeStateAsUpdate(e.doc).length !== before[i]);
      };
      try {
        do await healAndConverge(everyone, documentId);
        while (flush());
      } catch (error) {
        throw new Error(`${(error as Error).message}; refused: ${refusals.join(", ") || "none"}`);
      }
      expect(refusals).toEqual([]);

      // Every editor's Lexical tree, the server's and the stored document read the same.
      const server = hubDoc(harness.app.collab, documentId)!;
      const expected = contentOf(server);
      const stored = await storedDoc(db, documentId);
      expect(contentOf(stored)).toEqual(expected);
      stored.destroy();
      for (const e of everyone) expect(contentOf(e.doc)).toEqual(expected);
      const rendered = renderState(Y.encodeStateAsUpdate(server));

      // Each editor's Lexical tree reads as the converged document; the text is whole words,
      // each once: every word typed is there unless some editor removed it, none it removed is.
      for (const { editor } of bound)
        expect(editor.getEditorState().read($text)).toBe(rendered.text);
      expect(rendered.text.startsWith(ANCHOR)).toBe(true);
      const final = wordsIn(rendered.text);
      expect(ANCHOR + final.join("")).toBe(rendered.text);
      expect(new Set(final).size).toBe(final.length);
      expect(new Set(final)).toEqual(new Set([...inserted].filter((word) => !removed.has(word))));

      // Suggestions keep their author: each open one is by the writer whose editor made it.
      for (const suggestion of suggestionsInJson(rendered.json.root as never)) {
        const maker = Number(/^c(\d+)-/.exec(suggestion.id)?.[1]);
        expect(suggestion.authorId).toBe(suggesters[maker].authorId);
      }
    } finally {
      for (const [i, editor] of everyone.entries()) {
        bound[i].close();
        editor.link.calm();
        editor.provider.disconnect();
        editor.link.socket.close();
        editor.doc.destroy();
      }
    }
  }

  it(`suggestions made, accepted and rejected concurrently converge: ${SUGGESTION_RUNS} seeded runs (seed ${SEED})`, {
    timeout: 600_000,
  }, async () => {
    const before = { ...totals };
    await fc.assert(fc.asyncProperty(suggestionScenarioArbitrary, runSuggestionScenario), {
      seed: SEED,
      numRuns: SUGGESTION_RUNS,
      endOnFailure: !process.env.COLLAB_PROPERTY_SHRINK,
    });
    console.log("collab property with suggestions:", totals);
    expect(totals.settled).toBeGreaterThan(before.settled);
    expect(totals.disconnects).toBeGreaterThan(before.disconnects);
  });

  it(`holds for ${RUNS} seeded runs (seed ${SEED})`, { timeout: 600_000 }, async () => {
    console.log(`collab property: seed ${SEED}, ${RUNS} runs`);
    const started = Date.now();
    await fc.assert(fc.asyncProperty(scenarioArbitrary, runScenario), {
      seed: SEED,
      numRuns: RUNS,
      endOnFailure: !process.env.COLLAB_PROPERTY_SHRINK,
    });
    console.log(
      `collab property: ${RUNS} runs in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      totals,
    );
    // The scenarios really exercised what the property is about.
    expect(totals.restarts).toBeGreaterThan(0);
    expect(totals.disconnects).toBeGreaterThan(0);
  });
});
