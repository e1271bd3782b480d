import path from "node:path";

/** The visible text of an HTML page, roughly: tags and React's text separators removed, entities decoded. */
export function textOf(html: string): string {
  return html
    .replace(/<script\b[\s\S]*?<\/script>/gi, " ")
    .replace(/<style\b[\s\S]*?<\/style>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

const repositoryRoot = path.resolve(import.meta.dirname, "../..");

/** Signs of a leaked stack trace or internal detail in a response body; empty when there are none. */
export function stackTraceSigns(body: string): string[] {
  const signs = [
    /\n\s+at [^\n]+\(/, // "    at fn (file:line)"
    /\bat [\w.<>]+ \((?:file:|node:|\/)/,
    /node_modules/,
    /\.tsx?:\d+/,
    /"stack"\s*:\s*"/,
    /\b(?:TypeError|ReferenceError|SyntaxError): /,
  ];
  const found = signs.filter((sign) => sign.test(body)).map(String);
  if (body.includes(repositoryRoot)) found.push(repositoryRoot);
  return found;
}
