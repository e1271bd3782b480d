import { describe, expect, it } from "vitest";
import { safeHtml } from "./safe-html";

describe("safeHtml", () => {
  it("keeps what the editor's rendering writes", () => {
    const html =
      '<p><b><strong style="white-space: pre-wrap;">fet</strong></b><a href="https://kommun.test"><span style="white-space: pre-wrap;">länk</span></a><br></p><h2><span style="white-space: pre-wrap;">Rubrik</span></h2><ul __lexicallisttype="check"><li role="checkbox" tabindex="-1" aria-checked="true" value="1"><span style="white-space: pre-wrap;">gjort</span></li></ul>';
    expect(safeHtml(html)).toBe(html);
  });

  it("drops an overlay inside a link to another site, but keeps the text", () => {
    const html =
      '<p><a href="https://evil.example" target="_top"><span style="position: fixed; inset: 0; z-index: 9999; white-space: pre-wrap;">Klicka</span></a></p>';
    expect(safeHtml(html)).toBe(
      '<p><a href="https://evil.example"><span style="white-space: pre-wrap;">Klicka</span></a></p>',
    );
  });

  it("drops javascript: links, scripts, event handlers and unknown elements", () => {
    expect(
      safeHtml(
        '<p onclick="alert(1)"><a href="javascript:alert(1)">x</a><script>alert(1)</script><font color="red">y</font><iframe src="https://evil.example"></iframe></p>',
      ),
    ).toBe("<p><a>x</a>y</p>");
  });
});
