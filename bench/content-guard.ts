/**
 * What the content guard costs per update on a large document (npm run bench:content-guard):
 * typing one character, pasting a paragraph, a refusal (the accepted-edits copy is rebuilt), and
 * the whole-document check made when a document is loaded.
 */
import { performance } from "node:perf_hooks";
import * as Y from "yjs";
import { applyCheckedUpdate, LEXICAL_ROOT, repairToSchema } from "../server/collab/content-guard";

const PARAGRAPHS = 600;
const LINE = "Samverkan mellan skola och socialtjänst kring barn som far illa, vecka 12. ".repeat(
  2,
);

function paragraph(text: string) {
  const element = new Y.XmlText();
  element.setAttribute("__type", "paragraph");
  const node = new Y.Map<unknown>();
  for (const [k, v] of Object.entries({
    __type: "text",
    __format: 0,
    __style: "",
    __mode: 0,
    __detail: 0,
  }))
    node.set(k, v);
  element.insertEmbed(0, node);
  element.insert(1, text);
  return element;
}

const source = new Y.Doc();
const root = source.get(LEXICAL_ROOT, Y.XmlText);
for (let i = 0; i < PARAGRAPHS; i++) root.insertEmbed(i, paragraph(LINE));
const state = Y.encodeStateAsUpdate(source);
const characters = root
  .toDelta()
  .reduce((n: number, op: { insert: Y.XmlText }) => n + op.insert.toString().length, 0);

function edits(count: number, make: (i: number) => void) {
  const updates: Uint8Array[] = [];
  const off = (u: Uint8Array) => updates.push(u);
  source.on("update", off);
  for (let i = 0; i < count; i++) make(i);
  source.off("update", off);
  return updates;
}
const target = (i: number) => root.toDelta()[(i * 7) % PARAGRAPHS].insert as Y.XmlText;
const typing = edits(500, (i) => target(i).insert(1 + (i % 50), "x"));
const pastes = edits(50, (i) =>
  root.insertEmbed((i * 11) % PARAGRAPHS, paragraph(LINE.repeat(10))),
);

function measure(name: string, updates: Uint8Array[], apply: (doc: Y.Doc, u: Uint8Array) => void) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const start = performance.now();
  for (const update of updates) apply(doc, update);
  const perUpdate = (performance.now() - start) / updates.length;
  console.log(`${name.padEnd(44)} ${(perUpdate * 1000).toFixed(0).padStart(6)} µs per update`);
  doc.destroy();
}

console.log(`document: ${PARAGRAPHS} paragraphs, ${characters} characters, ${state.length} bytes`);
for (let round = 0; round < 2; round++) {
  measure("typing, Y.applyUpdate alone", typing, (d, u) => Y.applyUpdate(d, u));
  measure("typing, applyCheckedUpdate", typing, (d, u) => applyCheckedUpdate(d, u, null));
  measure("pasted paragraph, Y.applyUpdate alone", pastes, (d, u) => Y.applyUpdate(d, u));
  measure("pasted paragraph, applyCheckedUpdate", pastes, (d, u) => applyCheckedUpdate(d, u, null));
}
let start = performance.now();
for (let i = 0; i < 20; i++) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  doc.destroy();
}
console.log(
  `refusal: rebuilding the accepted edits        ${((performance.now() - start) / 20).toFixed(1)} ms`,
);
const loaded = new Y.Doc();
Y.applyUpdate(loaded, state);
start = performance.now();
for (let i = 0; i < 20; i++) repairToSchema(loaded);
console.log(
  `load: whole-document schema check             ${((performance.now() - start) / 20).toFixed(1)} ms`,
);
