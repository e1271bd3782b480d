import { $createLinkNode } from "@lexical/link";
import { $createListItemNode, $createListNode } from "@lexical/list";
import { $createHeadingNode, $createQuoteNode } from "@lexical/rich-text";
import { $createTableNodeWithDimensions } from "@lexical/table";
import {
  $createLineBreakNode,
  $createParagraphNode,
  $createTabNode,
  $createTextNode,
  $getRoot,
} from "lexical";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { applyCheckedUpdate, LEXICAL_ROOT, withinSchema } from "./content-guard";
import { createInitialState, renderState, updateToContent } from "./headless";

/** A document with every node and format the editor offers, made by Lexical itself. */
function richState(): Uint8Array {
  return createInitialState(() => {
    const paragraph = $createParagraphNode().append(
      $createTextNode("fet").toggleFormat("bold").toggleFormat("underline"),
      $createTextNode(" och kursiv").toggleFormat("italic"),
      $createLineBreakNode(),
      $createTabNode(),
      $createLinkNode("https://kommun.test").append($createTextNode("länk")),
      $createLinkNode("mailto:kansli@kommun.test").append($createTextNode("e-post")),
    );
    const heading = $createHeadingNode("h2").append($createTextNode("Rubrik"));
    const quote = $createQuoteNode().append($createTextNode("Citat"));
    const checks = $createListNode("check").append(
      $createListItemNode(true).append($createTextNode("gjort")),
    );
    const nested = $createListNode("number").append(
      $createListItemNode().append(
        $createListNode("bullet").append($createListItemNode().append($createTextNode("inne"))),
      ),
    );
    const table = $createTableNodeWithDimensions(2, 2, { rows: true, columns: false });
    $getRoot().append(paragraph, heading, quote, checks, nested, table);
  });
}

const docOf = (state: Uint8Array) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc;
};

/** A client's copy of the server's document, and the update a change to it makes. */
function edit(server: Y.Doc, change: (root: Y.XmlText, doc: Y.Doc) => void): Uint8Array {
  const client = docOf(Y.encodeStateAsUpdate(server));
  const before = Y.encodeStateVector(client);
  change(client.get(LEXICAL_ROOT, Y.XmlText), client);
  const update = Y.encodeStateAsUpdate(client, before);
  client.destroy();
  return update;
}

const child = (parent: Y.XmlText, index: number) =>
  parent.toDelta()[index].insert as Y.XmlText | Y.Map<unknown>;

const textNode = (properties: Record<string, unknown> = {}) => {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries({
    __type: "text",
    __format: 0,
    __style: "",
    __mode: 0,
    __detail: 0,
    ...properties,
  }))
    map.set(key, value);
  return map;
};

const paragraphWith = (text: string, properties: Record<string, unknown> = {}) => {
  const paragraph = new Y.XmlText();
  paragraph.setAttribute("__type", "paragraph");
  paragraph.insertEmbed(0, textNode(properties));
  paragraph.insert(1, text);
  return paragraph;
};

/** The end of the first paragraph's first text node, where typing goes. */
function typeAtEnd(server: Y.Doc, text: string) {
  return edit(server, (root) => {
    const paragraph = child(root, 0) as Y.XmlText;
    const first = paragraph.toDelta() as { insert: unknown }[];
    const length = 1 + (first[1].insert as string).length;
    paragraph.insert(length, text);
  });
}

describe("content guard: what the editor itself writes", () => {
  it("accepts a document with every node and format the editor offers", () => {
    const doc = new Y.Doc();
    expect(applyCheckedUpdate(doc, richState(), null)).toBeNull();
  });

  it("accepts ordinary edits made by Lexical (typing, a new heading, removing a block)", () => {
    const server = docOf(richState());
    const json = renderState(Y.encodeStateAsUpdate(server)).json;
    const [first] = json.root.children as unknown as { children: { text?: string }[] }[];
    first.children[0].text = "fetare";
    json.root.children.splice(2, 1);
    json.root.children.push({
      type: "heading",
      tag: "h3",
      version: 1,
      direction: null,
      format: "",
      indent: 0,
      children: [
        {
          type: "text",
          text: "Ny rubrik",
          version: 1,
          format: 0,
          detail: 0,
          mode: "normal",
          style: "",
        },
      ],
    } as never);
    const update = updateToContent(Y.encodeStateAsUpdate(server), json);
    expect(applyCheckedUpdate(server, update, null)).toBeNull();
    expect(renderState(Y.encodeStateAsUpdate(server)).text).toContain("Ny rubrik");
  });

  it("accepts typing and text outside the editor's tree that holds no identity number", () => {
    const server = docOf(richState());
    expect(applyCheckedUpdate(server, typeAtEnd(server, " mer"), null)).toBeNull();
    const probe = edit(server, (_root, doc) => doc.getText("probe").insert(0, "hej"));
    expect(applyCheckedUpdate(server, probe, null)).toBeNull();
  });
});

describe("content guard: only the editor's own content", () => {
  it("refuses an unknown node type", () => {
    const server = docOf(richState());
    const update = edit(server, (root) => {
      const unknown = new Y.XmlText();
      unknown.setAttribute("__type", "iframe");
      root.insertEmbed(0, unknown);
    });
    expect(applyCheckedUpdate(server, update, null)).toBe("invalid_content");
  });

  it("refuses an inline style overlay inside a link to another site", () => {
    const server = docOf(richState());
    const update = edit(server, (root) => {
      const link = new Y.XmlText();
      link.setAttribute("__type", "link");
      link.setAttribute("__url", "https://evil.example");
      link.insertEmbed(0, textNode({ __style: "position:fixed;inset:0;z-index:9999" }));
      link.insert(1, "Klicka här");
      (child(root, 0) as Y.XmlText).insertEmbed(0, link);
    });
    expect(applyCheckedUpdate(server, update, null)).toBe("invalid_content");
  });

  it("refuses a style set later on an existing text node", () => {
    const server = docOf(richState());
    const update = edit(server, (root) => {
      (child(child(root, 0) as Y.XmlText, 0) as Y.Map<unknown>).set("__style", "color:red");
    });
    expect(applyCheckedUpdate(server, update, null)).toBe("invalid_content");
  });

  it.each([
    ["a javascript: link", { __url: "javascript:alert(1)" }],
    ["a data: link", { __url: "data:text/html,<script>alert(1)</script>" }],
    ["a link target", { __target: "_top" }],
  ])("refuses %s", (_name, change) => {
    const server = docOf(richState());
    const update = edit(server, (root) => {
      const paragraph = child(root, 0) as Y.XmlText;
      const link = (paragraph.toDelta() as { insert: unknown }[])
        .map((op) => op.insert)
        .find((node) => node instanceof Y.XmlText) as Y.XmlText;
      for (const [key, value] of Object.entries(change)) link.setAttribute(key, value as string);
    });
    expect(applyCheckedUpdate(server, update, null)).toBe("invalid_content");
  });

  it.each([
    ["strikethrough", { __format: 4 }],
    ["an unknown property", { __onclick: "alert(1)" }],
  ])("refuses a text node with %s", (_name, properties) => {
    const server = docOf(richState());
    const update = edit(server, (root) => root.insertEmbed(0, paragraphWith("x", properties)));
    expect(applyCheckedUpdate(server, update, null)).toBe("invalid_content");
  });

  it("refuses text straight in the root and Yjs formatting", () => {
    const server = docOf(richState());
    expect(
      applyCheckedUpdate(
        server,
        edit(server, (root) => root.insert(0, "lös text")),
        null,
      ),
    ).toBe("invalid_content");
    const other = docOf(richState());
    const formatted = edit(other, (root) =>
      (child(root, 0) as Y.XmlText).format(1, 2, { style: "color:red" }),
    );
    expect(applyCheckedUpdate(other, formatted, null)).toBe("invalid_content");
  });
});

describe("content guard: identity numbers", () => {
  it("refuses the digit that completes a number typed digit by digit", () => {
    const server = docOf(richState());
    const typed = "Lisa 811218-9876";
    for (const [index, character] of [...typed].entries()) {
      const verdict = applyCheckedUpdate(server, typeAtEnd(server, character), null);
      expect(verdict).toBe(index === typed.length - 1 ? "personal_data" : null);
    }
  });

  it("refuses a pasted paragraph, a number split by a deletion and one in a link address", () => {
    const server = docOf(richState());
    const pasted = edit(server, (root) =>
      root.insertEmbed(1, paragraphWith("Lisa Andersson 811218-9876 har skyddad identitet")),
    );
    expect(applyCheckedUpdate(server, pasted, null)).toBe("personal_data");

    const split = docOf(richState());
    expect(applyCheckedUpdate(split, typeAtEnd(split, "811218-X9876"), null)).toBeNull();
    // "fet811218-X9876": the X stands after the text node's map, "fet" and "811218-".
    const joined = edit(split, (root) => (child(root, 0) as Y.XmlText).delete(1 + 3 + 7, 1));
    expect(applyCheckedUpdate(split, joined, null)).toBe("personal_data");

    const linked = docOf(richState());
    const link = edit(linked, (root) => {
      const paragraph = child(root, 0) as Y.XmlText;
      const anchor = (paragraph.toDelta() as { insert: unknown }[])
        .map((op) => op.insert)
        .find((node) => node instanceof Y.XmlText) as Y.XmlText;
      anchor.setAttribute("__url", "https://kommun.test/?pnr=8112189876");
    });
    expect(applyCheckedUpdate(linked, link, null)).toBe("personal_data");
  });

  it("refuses a number outside the editor's tree, and one whose position is not known yet", () => {
    const server = docOf(richState());
    const probe = edit(server, (_root, doc) => doc.getText("probe").insert(0, "811218-9876"));
    expect(applyCheckedUpdate(server, probe, null)).toBe("personal_data");

    // Built on an edit the server never received: Yjs keeps it aside unintegrated.
    const client = docOf(richState());
    client.getText("probe").insert(0, "först ");
    const before = Y.encodeStateVector(client);
    client.getText("probe").insert(6, "811218-9876");
    const dangling = Y.encodeStateAsUpdate(client, before);
    expect(applyCheckedUpdate(docOf(richState()), dangling, null)).toBe("personal_data");
  });
});

describe("content guard: rendering a document stored before the check", () => {
  it("renders it without the block outside the schema", () => {
    const server = docOf(richState());
    Y.applyUpdate(
      server,
      edit(server, (root) => {
        const unknown = new Y.XmlText();
        unknown.setAttribute("__type", "iframe");
        root.insertEmbed(1, unknown);
        root.insertEmbed(2, paragraphWith("Klicka", { __style: "position:fixed;inset:0" }));
      }),
    );
    const broken = Y.encodeStateAsUpdate(server);
    const rendered = renderState(broken);
    expect(rendered.text).toContain("Rubrik");
    expect(rendered.html).not.toContain("position");
    const valid = richState();
    expect(withinSchema(valid)).toBe(valid);
  });
});
