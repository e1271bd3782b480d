import { Window } from "happy-dom";
import { isAllowedLinkUrl } from "../../common/editor-nodes";

/**
 * The HTML a document may show: exactly the elements, attributes and inline styles the server's
 * own rendering of the editor's nodes writes (an allow-list). Applied to rendered HTML read back
 * from the database (versions, report appendices), which may predate the content check on
 * co-editing updates: anything else is dropped, so one person's text cannot cover another
 * person's screen.
 */
const ALLOWED_ELEMENTS = new Set([
  "p",
  "br",
  "span",
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "del",
  "a",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "blockquote",
  "ul",
  "ol",
  "li",
  "table",
  "colgroup",
  "col",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
]);

/** Elements whose content is never text to keep: removed with everything inside. */
const DROPPED_WITH_CONTENT = new Set([
  "script",
  "style",
  "iframe",
  "object",
  "embed",
  "svg",
  "math",
  "template",
  "noscript",
  "frame",
  "frameset",
  "link",
  "meta",
  "base",
  "form",
  "input",
  "button",
  "select",
  "textarea",
]);

const integer = /^\d{1,6}$/;
const ATTRIBUTES: Record<string, (value: string, element: string) => boolean> = {
  href: (value, element) => element === "a" && isAllowedLinkUrl(value),
  rel: (value, element) => element === "a" && /^[a-z ]{0,40}$/.test(value),
  dir: (value) => value === "ltr" || value === "rtl",
  value: (value, element) => element === "li" && integer.test(value),
  start: (value, element) => element === "ol" && integer.test(value),
  __lexicallisttype: (value) => ["bullet", "number", "check"].includes(value),
  role: (value, element) => element === "li" && value === "checkbox",
  tabindex: (value, element) => element === "li" && value === "-1",
  "aria-checked": (value, element) => element === "li" && (value === "true" || value === "false"),
  colspan: (value) => integer.test(value),
  rowspan: (value) => integer.test(value),
  class: (value) => /^editor-[a-z-]+( editor-[a-z-]+)*$/.test(value),
  style: () => true, // filtered declaration by declaration
  // Who suggested an insertion or a deletion, and when.
  title: (value, element) => (element === "ins" || element === "del") && value.length <= 300,
};

const pixels = /^\d{1,5}(\.\d+)?px$/;
const STYLES: Record<string, (value: string) => boolean> = {
  "white-space": (value) => value === "pre-wrap",
  "text-align": (value) => ["left", "center", "right", "justify", "start", "end"].includes(value),
  "vertical-align": (value) => ["top", "middle", "bottom"].includes(value),
  "padding-inline-start": (value) => pixels.test(value) || /^calc\(\d{1,5}px\)$/.test(value),
  width: (value) => pixels.test(value),
  border: (value) => value === "1px solid black",
  "table-layout": (value) => value === "fixed",
};

function allowedStyle(style: string): string {
  return style
    .split(";")
    .map((declaration) => {
      const colon = declaration.indexOf(":");
      if (colon < 0) return null;
      const property = declaration.slice(0, colon).trim().toLowerCase();
      const value = declaration
        .slice(colon + 1)
        .trim()
        .toLowerCase();
      return Object.hasOwn(STYLES, property) && STYLES[property](value)
        ? `${property}: ${value};`
        : null;
    })
    .filter((declaration) => declaration !== null)
    .join(" ");
}

const window = new Window();

interface DomElement {
  tagName: string;
  attributes: ArrayLike<{ name: string; value: string }>;
  children: ArrayLike<DomElement>;
  childNodes: ArrayLike<unknown>;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  remove(): void;
  replaceWith(...nodes: unknown[]): void;
}

function clean(element: DomElement) {
  for (const child of Array.from(element.children)) {
    const name = child.tagName.toLowerCase();
    if (DROPPED_WITH_CONTENT.has(name)) {
      child.remove();
      continue;
    }
    clean(child);
    if (!ALLOWED_ELEMENTS.has(name)) {
      child.replaceWith(...Array.from(child.childNodes));
      continue;
    }
    for (const { name: attribute, value } of Array.from(child.attributes)) {
      const key = attribute.toLowerCase();
      if (!Object.hasOwn(ATTRIBUTES, key) || !ATTRIBUTES[key](value, name))
        child.removeAttribute(attribute);
    }
    const style = child.getAttribute("style");
    if (style !== null) {
      const allowed = allowedStyle(style);
      if (allowed) child.setAttribute("style", allowed);
      else child.removeAttribute("style");
    }
  }
}

/** `html` with every element, attribute and style declaration outside the allow-list removed. */
export function safeHtml(html: string): string {
  const template = window.document.createElement("template");
  template.innerHTML = html;
  const root = window.document.createElement("div");
  root.append(template.content);
  clean(root as unknown as DomElement);
  return root.innerHTML;
}
