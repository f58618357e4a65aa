// The pages made for paper and the certification pages of example-site in Debian's Chromium:
// no axe-core violations on screen, nothing wider than a phone, and in print media the screen
// bar gone and every card whole on A4. Run by .ci/check-print with the served site's address.
//
//     node tests/browser/print-pages.mjs http://127.0.0.1:PORT/
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const tools = path.resolve("target/ci-tools/node_modules");
const { chromium } = require(process.env.PLAYWRIGHT_CORE || path.join(tools, "playwright-core"));
const axeSource = fs.readFileSync(path.join(tools, "axe-core/axe.min.js"), "utf8");

const root = process.argv[2];
const pages = ["catalogue/", "ar/catalogue/", "labels/", "ar/labels/", "certifications/igp-argane/", "ar/certifications/onssa/"];
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failed = 0;
async function test(name, body) {
  const page = await browser.newPage();
  try {
    await body(page);
    console.log(`ok - ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`not ok - ${name}\n${error.message}`);
  } finally {
    await page.close();
  }
}

await test("no axe-core violations on the printable and certification pages, in French and Arabic", async (page) => {
  for (const url of pages.map((p) => root + p)) {
    await page.goto(url);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"] }));
    assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], url);
  }
});

await test("on a 390 px phone nothing scrolls sideways", async (page) => {
  await page.setViewportSize({ width: 390, height: 800 });
  for (const url of pages.map((p) => root + p)) {
    await page.goto(url);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true, `${url} scrolls sideways`);
  }
});

await test("in print, the screen bar is gone and no text overflows a catalogue card or a label", async (page) => {
  await page.emulateMedia({ media: "print" });
  for (const url of ["catalogue/", "ar/catalogue/", "labels/", "ar/labels/"].map((p) => root + p)) {
    await page.goto(url);
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector(".print-bar")).display), "none", url);
    // A name, price or code cut off by a card's fixed height would be lost on paper.
    const cut = await page.evaluate(() => [...document.querySelectorAll(".print-card, .label")].flatMap((box) => {
      const outer = box.getBoundingClientRect();
      return [...box.querySelectorAll("h3, .print-price, .print-variants, svg.qr, .label-name, .label-price, .label-sku")]
        .filter((el) => { const r = el.getBoundingClientRect(); return r.bottom > outer.bottom + 0.5 || r.top < outer.top - 0.5; })
        .map((el) => `${box.textContent.trim().slice(0, 40)}: ${el.className.baseVal ?? el.className ?? el.tagName}`);
    }));
    assert.deepEqual(cut, [], url);
  }
});

await browser.close();
if (failed) process.exit(1);
