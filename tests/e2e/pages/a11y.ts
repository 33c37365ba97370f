// The accessibility audit (axe-core) every page and card is held to, in light and dark, and the
// checks the keyboard spec makes on where focus is and whether it shows.
import { writeFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page, type TestInfo } from "@playwright/test";

export type Finding = { rule: string; impact: string; help: string; targets: string[] };

/** What fails the audit: a screen reader or keyboard user is blocked, or badly hindered. */
const BLOCKING = new Set(["serious", "critical"]);

/**
 * Runs axe-core (every rule of WCAG 2.2 A and AA, plus its best practices) on the page as it is
 * now, in light and then dark, and expects no serious or critical violation in either. The
 * full results are attached to the test.
 */
export async function expectAccessible(page: Page, testInfo: TestInfo, name: string) {
  const found: Record<string, Finding[]> = {};
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    // Colours change by a media query: let a transition (if any) settle before measuring.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    const results = await new AxeBuilder({ page })
      .withTags([
        "wcag2a",
        "wcag2aa",
        "wcag21a",
        "wcag21aa",
        "wcag22a",
        "wcag22aa",
        "best-practice",
      ])
      .analyze();
    const file = testInfo.outputPath(`axe-${name}-${colorScheme}.json`);
    await writeFile(file, JSON.stringify(results.violations, null, 2));
    await testInfo.attach(`axe-${name}-${colorScheme}.json`, {
      path: file,
      contentType: "application/json",
    });
    found[colorScheme] = results.violations
      .filter((violation) => BLOCKING.has(violation.impact ?? ""))
      .map((violation) => ({
        rule: violation.id,
        impact: violation.impact ?? "",
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.join(" ")),
      }));
  }
  await page.emulateMedia({ colorScheme: "light" });
  // Soft: one run lists every page's violations, not only the first page's.
  expect.soft(found, `serious or critical accessibility violations on ${name}`).toEqual({
    light: [],
    dark: [],
  });
}

/** Presses Tab (or Shift+Tab) until `target` has focus; fails after `limit` presses. */
export async function tabTo(
  page: Page,
  target: Locator,
  { backward = false, limit = 40 }: { backward?: boolean; limit?: number } = {},
) {
  for (let presses = 0; presses < limit; presses++) {
    if (await isFocused(target)) return presses;
    await page.keyboard.press(backward ? "Shift+Tab" : "Tab");
  }
  await expect(target).toBeFocused();
  return limit;
}

function isFocused(target: Locator) {
  return target.evaluate((element) => element === document.activeElement).catch(() => false);
}

/**
 * The focused element shows a focus indicator: an outline or a ring (box-shadow) at least 2 px
 * wide, in a colour other than the background's.
 */
export async function expectVisibleFocus(page: Page) {
  const ring = await page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    return {
      tag: `${element.tagName.toLowerCase()}${element.dataset.testid ? `[${element.dataset.testid}]` : ""}`,
      outline: style.outlineStyle !== "none" ? Number.parseFloat(style.outlineWidth) : 0,
      outlineColor: style.outlineColor,
      shadow: style.boxShadow,
      matches: element.matches(":focus-visible"),
    };
  });
  expect(ring, "something has focus").not.toBeNull();
  const shown =
    (ring?.outline ?? 0) >= 2 && !/rgba\(.*, 0\)$/.test(ring?.outlineColor ?? "")
      ? true
      : /\d+px \d+px 0px [2-9]px|0px 0px 0px [2-9]px/.test(ring?.shadow ?? "");
  expect({ ...ring, shown }, "the focused element shows a focus ring").toMatchObject({
    matches: true,
    shown: true,
  });
}
