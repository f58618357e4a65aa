// Loads pages in headless Chromium and fails if any of them opens a dialog (alert, confirm,
// prompt), carries a script or form the theme did not write, or an event-handler attribute.
// What the theme wrote: script files in themes/default/static (by path), inline scripts in its
// templates (by content), forms in its templates (by class); and souk's JSON-LD.
//
//     node tests/browser/no-script-runs.mjs BASE_URL PATH...
//
// playwright-core is looked up in $PLAYWRIGHT_CORE, then target/ci-tools (where .ci installs it).
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(import.meta.url);
const candidates = [process.env.PLAYWRIGHT_CORE, path.resolve("target/ci-tools/node_modules/playwright-core"), "playwright-core"];
let chromium;
for (const candidate of candidates) {
  if (!candidate) continue;
  try {
    ({ chromium } = require(candidate));
    break;
  } catch (e) {
    if (e.code !== "MODULE_NOT_FOUND") throw e;
  }
}
if (!chromium) {
  console.error("playwright-core is not installed: npm install --prefix target/ci-tools playwright-core");
  process.exit(2);
}

const [base, ...paths] = process.argv.slice(2);

function filesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}
const theme = path.resolve("themes/default");
const basePath = new URL(base).pathname;
const scriptFiles = filesUnder(path.join(theme, "static"))
  .filter((f) => /\.m?js$/.test(f))
  .map((f) => basePath + path.relative(path.join(theme, "static"), f).split(path.sep).join("/"));
const templates = filesUnder(path.join(theme, "templates")).map((f) => fs.readFileSync(f, "utf8"));
const inlineScripts = templates.flatMap((t) => [...t.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1].trim()));
const formClasses = templates.flatMap((t) => [...t.matchAll(/<form[^>]*class="([^"]*)"/g)].map((m) => m[1]));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failed = 0;
for (const p of paths) {
  const page = await browser.newPage();
  const problems = [];
  page.on("dialog", async (dialog) => {
    problems.push(`a ${dialog.type()} opened: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on("pageerror", (error) => problems.push(`script error: ${error.message}`));
  await page.goto(base + p, { waitUntil: "load" });
  await page.waitForTimeout(100);
  const found = await page.evaluate(([scriptFiles, inlineScripts, formClasses]) => {
    const out = [];
    for (const s of document.querySelectorAll("script")) {
      if (s.type === "application/ld+json") continue;
      const src = s.getAttribute("src");
      const written = src ? scriptFiles.includes(src) : inlineScripts.includes(s.textContent.trim());
      if (!written) out.push(`a script the theme did not write: ${s.outerHTML.slice(0, 80)}`);
    }
    for (const f of document.querySelectorAll("form")) {
      if (!formClasses.includes(f.getAttribute("class") || "")) out.push(`a form the theme did not write: ${f.outerHTML.slice(0, 80)}`);
    }
    for (const el of document.querySelectorAll("*")) {
      for (const a of el.attributes) {
        if (a.name.toLowerCase().startsWith("on")) out.push(`${el.tagName} has ${a.name}`);
      }
    }
    for (const el of document.querySelectorAll("[href],[src]")) {
      const v = (el.getAttribute("href") || el.getAttribute("src") || "").trim().toLowerCase();
      if (v.startsWith("javascript:")) out.push(`${el.tagName} links to ${v}`);
    }
    return out;
  }, [scriptFiles, inlineScripts, formClasses]);
  problems.push(...found);
  if (problems.length) {
    failed += 1;
    console.log(`FAIL ${p}\n  ${problems.join("\n  ")}`);
  }
  await page.close();
}
await browser.close();
console.log(`${paths.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
