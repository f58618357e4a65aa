// `souk serve`'s live reload and error overlay in Debian's Chromium, as a cooperative's member
// sees them while editing: run by .ci/check-live-reload.
//
//     node tests/browser/live-reload.mjs [SOUK_BINARY] [PORT] [SCREENSHOT_DIR]
//
// Copies tests/fixtures/minimal to a temporary folder, serves it under /coop/ and edits the
// copy's argan oil price: a good save, a mistake, then the fix. Each time the open pages must
// reload by themselves (the test never calls reload or goto for that) and show the new price,
// then the overlay with the error over the last good build, then no overlay. Screenshots of
// the overlay go to SCREENSHOT_DIR (default target/ci-live-reload). Every expected text is
// written out here in full.
import { createRequire } from "node:module";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const tools = path.resolve("target/ci-tools/node_modules");
const { chromium } = require(process.env.PLAYWRIGHT_CORE || path.join(tools, "playwright-core"));

const [souk = "target/debug/souk", askedPort = "18744", shots = "target/ci-live-reload"] = process.argv.slice(2);
const NNBSP = "\u202f";
const RELOAD_TIMEOUT = 20_000;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

const site = fs.mkdtempSync(path.join(os.tmpdir(), "souk-live-reload-"));
fs.cpSync("tests/fixtures/minimal", site, {
  recursive: true,
  filter: (f) => !["public", ".souk-cache"].includes(path.basename(f)),
});
const productFile = path.join(site, "products/argan-oil/product.yaml");
fs.rmSync(shots, { recursive: true, force: true });
fs.mkdirSync(shots, { recursive: true });

let server;
let browser;
let serverLog = "";
let passed = 0;
let failed = 0;

const running = () => server && server.exitCode === null && server.signalCode === null;
// Whatever happens, the server does not outlive the test.
process.on("exit", () => { if (running()) server.kill("SIGKILL"); });
async function stopServer() {
  if (!running()) return;
  const exited = new Promise((r) => server.once("exit", r));
  server.kill("SIGTERM");
  const timer = setTimeout(() => { if (running()) server.kill("SIGKILL"); }, 5000);
  await exited;
  clearTimeout(timer);
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(1));

function check(name, ok) {
  passed += 1;
  console.log(`ok ${name}`);
  return ok;
}

// Starts `souk serve` and resolves with the address it prints (it takes the next free port
// when PORT is taken).
function serve() {
  server = spawn(souk, ["serve", site, "--port", askedPort, "--base-url", "https://user.github.io/coop/"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout.on("data", (d) => (serverLog += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`souk serve printed no address in 120 s:\n${serverLog}`)), 120_000);
    server.stderr.on("data", (d) => {
      serverLog += d;
      const m = /serving the shop at (http:\/\/127\.0\.0\.1:\d+\/coop\/) \(Ctrl\+C to stop\)/.exec(serverLog);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.on("error", (e) => { clearTimeout(timer); reject(e); });
    server.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`souk serve stopped (${code ?? signal}) before serving:\n${serverLog}`));
    });
  });
}

// Rewrites the price line of the copy's product.yaml, as an editor saves it.
function setPrice(from, to) {
  const text = fs.readFileSync(productFile, "utf8");
  const line = `price: "${from}"\n`;
  assert.ok(text.includes(line), `product.yaml has ${line.trim()}`);
  fs.writeFileSync(productFile, text.replace(line, `price: "${to}"\n`));
}

// What the test reads of a page, in one go; null while it is between two documents.
async function state(page) {
  try {
    return await page.evaluate(() => ({
      url: location.href,
      generation: document.querySelector("script[data-generation]")?.getAttribute("data-generation") ?? null,
      marked: window.__soukTestMark === true,
      price: document.querySelector(".price-lg .price-now")?.textContent ?? null,
      overlay: !!document.getElementById("souk-overlay"),
      dir: document.documentElement.getAttribute("dir"),
      ready: document.readyState,
    }));
  } catch {
    return null;
  }
}

// Marks the page's document, so that a document without the mark is a reload.
const mark = (page) => page.evaluate(() => { window.__soukTestMark = true; });

// Waits, polling, until the page is a new document (the mark gone) of a later generation
// for which `done` holds, without touching the page's navigation. Then watches it a while
// longer: one save must make one reload, not a flicker of several.
async function waitForReload(page, before, done, what) {
  const deadline = Date.now() + RELOAD_TIMEOUT;
  let s;
  for (;;) {
    s = await state(page);
    if (s && !s.marked && s.ready === "complete" && s.generation !== before.generation && done(s)) break;
    if (Date.now() > deadline) {
      throw new Error(`no reload to ${what} within ${RELOAD_TIMEOUT / 1000} s; last state ${JSON.stringify(s)}`);
    }
    await page.waitForTimeout(100);
  }
  const loads = page.__loads;
  await mark(page);
  await page.waitForTimeout(1500);
  const after = await state(page);
  assert.deepEqual(after, { ...s, marked: true }, `the page stays as it is once reloaded (${what})`);
  assert.equal(page.__loads, loads, `no further load after the reload (${what})`);
  return s;
}

// Every page the test opened, with the requests each has sent and not yet seen answered:
// printed on failure (a page that never loads is most often one whose request hangs).
const pages = [];
function watch(page, errors) {
  const opened = Date.now();
  page.__pending = new Map();
  pages.push(page);
  page.on("request", (r) => page.__pending.set(r, Date.now() - opened));
  page.on("requestfinished", (r) => page.__pending.delete(r));
  page.on("requestfailed", (r) => page.__pending.delete(r));
  page.__loads = 0;
  page.on("load", () => (page.__loads += 1));
  page.on("console", (m) => { if (m.type() === "error") errors.push(`${page.url()}: console: ${m.text()}`); });
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
}

// The overlay as the page shows it.
const overlay = (page) => page.evaluate(() => {
  const o = document.getElementById("souk-overlay");
  if (!o) return null;
  const box = o.getBoundingClientRect();
  const { clientWidth: w, clientHeight: h } = document.documentElement;
  const top = document.elementFromPoint(w / 2, h / 2);
  return {
    role: o.getAttribute("role"),
    title: o.querySelector("h2")?.textContent,
    locations: [...o.querySelectorAll("li > code")].map((c) => ({ text: c.textContent, dir: c.getAttribute("dir"), direction: getComputedStyle(c).direction })),
    paragraphs: [...o.querySelectorAll("li > p")].map((p) => p.textContent),
    covers: box.left === 0 && box.top === 0 && box.width === w && box.height === h && o.contains(top),
    scrollsSideways: o.scrollWidth > o.clientWidth,
  };
});

const EXPECTED_OVERLAY = {
  role: "alert",
  title: "souk: 1 error in the last change",
  locations: [{ text: "products/argan-oil/product.yaml:3:8", dir: "ltr", direction: "ltr" }],
  paragraphs: [
    "`price` `9,90` has a comma, which souk does not read in prices: it could be a decimal mark or a thousands separator",
    'hint: did you mean 9.90? Write prices with a dot and no thousands separator, like "120.00"',
  ],
  covers: true,
  scrollsSideways: false,
};

try {
  const root = await serve();
  check(`souk serve is serving the copy at ${root}`);
  assert.equal(new URL(root).pathname, "/coop/");
  const productUrl = `${root}products/argan-oil/`;
  const arUrl = `${root}ar/`;

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: PHONE });
  const errors = [];
  const page = await context.newPage();
  watch(page, errors);

  // a. The first build.
  await page.goto(productUrl, { timeout: RELOAD_TIMEOUT });
  let s = await state(page);
  assert.equal(s.price, `1${NNBSP}234,50 MAD`);
  assert.equal(s.overlay, false);
  assert.match(s.generation, /^\d+$/);
  check(`a. the product page shows 1${NNBSP}234,50 MAD (generation ${s.generation}), no overlay`);
  await mark(page);
  // The live script is connected before anything is saved.
  await page.waitForTimeout(500);

  // b. A good save: the page reloads by itself with the new price.
  let before = s;
  setPrice("1234.50", "990");
  s = await waitForReload(page, before, (x) => x.price === "990,00 MAD", "990,00 MAD");
  assert.equal(s.url, productUrl);
  assert.equal(s.overlay, false);
  assert.equal(Number(s.generation), Number(before.generation) + 1);
  check(`b. after price: "990" the page reloaded by itself once (generation ${s.generation}) and shows 990,00 MAD, still at ${s.url}`);

  // c. A mistake: the overlay over the last good build, in French and in Arabic.
  const ar = await context.newPage();
  watch(ar, errors);
  await ar.goto(arUrl, { timeout: RELOAD_TIMEOUT });
  let sAr = await state(ar);
  assert.equal(sAr.overlay, false);
  assert.equal(sAr.generation, s.generation);
  await mark(ar);
  await ar.waitForTimeout(500);

  before = s;
  const beforeAr = sAr;
  setPrice("990", "9,90");
  s = await waitForReload(page, before, (x) => x.overlay, "the overlay");
  assert.equal(s.url, productUrl);
  assert.equal(s.price, "990,00 MAD", "the last good build under the overlay");
  assert.equal(Number(s.generation), Number(before.generation) + 1);
  assert.deepEqual(await overlay(page), EXPECTED_OVERLAY);
  check(`c. after price: "9,90" the page reloaded by itself once and shows #souk-overlay with products/argan-oil/product.yaml:3:8 over the old 990,00 MAD`);
  await page.screenshot({ path: path.join(shots, "overlay-phone.png") });
  await page.setViewportSize(DESKTOP);
  assert.deepEqual(await overlay(page), EXPECTED_OVERLAY);
  await page.screenshot({ path: path.join(shots, "overlay-desktop.png") });
  await page.setViewportSize(PHONE);
  check(`c. screenshots at 390×844 and 1280×800 in ${shots}/`);

  sAr = await waitForReload(ar, beforeAr, (x) => x.overlay, "the overlay in Arabic");
  assert.equal(sAr.url, arUrl);
  assert.equal(sAr.dir, "rtl");
  assert.equal(await ar.evaluate(() => document.documentElement.dir), "rtl");
  assert.deepEqual(await overlay(ar), EXPECTED_OVERLAY);
  await ar.screenshot({ path: path.join(shots, "overlay-ar-phone.png") });
  check("c. /coop/ar/ reloaded by itself too and shows the same overlay, the page right to left, the location left to right");

  // d. The fix: the overlay goes, by itself, on both pages.
  before = s;
  setPrice("9,90", "9.90");
  s = await waitForReload(page, before, (x) => !x.overlay, "no overlay");
  assert.equal(s.url, productUrl);
  assert.equal(s.price, "9,90 MAD");
  assert.equal(Number(s.generation), Number(before.generation) + 1);
  assert.equal(await page.locator("#souk-overlay").count(), 0);
  check(`d. after price: "9.90" the page reloaded by itself once, no overlay, and shows 9,90 MAD`);
  sAr = await waitForReload(ar, sAr, (x) => !x.overlay, "no overlay in Arabic");
  assert.equal(sAr.url, arUrl);
  assert.equal(sAr.dir, "rtl");
  check("d. /coop/ar/ reloaded by itself too, without the overlay");
  await page.screenshot({ path: path.join(shots, "fixed-phone.png") });

  // f. No script or console error on any page, at any point.
  assert.deepEqual(errors, []);
  check("f. no console error and no page error");
} catch (e) {
  failed += 1;
  console.log(`FAIL ${String(e.stack || e).split("\n").slice(0, 30).join("\n  ")}`);
  console.log(`  souk said:\n    ${serverLog.trimEnd().split("\n").join("\n    ")}`);
  for (const p of pages) {
    const pending = [...p.__pending].filter(([r]) => !r.url().endsWith("/__souk/live"));
    console.log(`  requests of ${p.url()} still unanswered: ${pending.map(([r, t]) => `${r.url()} (sent ${t} ms after the page opened)`).join(", ") || "none"}`);
  }
} finally {
  if (browser) await browser.close();
  await stopServer();
  if (!failed) fs.rmSync(site, { recursive: true, force: true });
  else console.log(`the site copy is kept in ${site}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
