// The cart and checkout of example-site in Debian's Chromium, as a shopper uses them: run by
// .ci/check-cart, which builds the site under http://127.0.0.1:PORT/coop/ with a form endpoint
// on FORM_PORT.
//
//     node tests/browser/cart.mjs OUTPUT_DIR PORT FORM_PORT
//
// Every expected message is written out here in full: the test does not read the theme's
// strings, so a wrong string, amount or order of lines fails it.
import { createRequire } from "node:module";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const tools = path.resolve("target/ci-tools/node_modules");
const { chromium } = require(process.env.PLAYWRIGHT_CORE || path.join(tools, "playwright-core"));
const axeSource = fs.readFileSync(path.join(tools, "axe-core/axe.min.js"), "utf8");

const [dir, port, formPort] = process.argv.slice(2);
const root = `http://127.0.0.1:${port}/coop/`;
const NNBSP = "\u202f";

// The built site under /coop/, as a static host serves it.
const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".webp": "image/webp", ".avif": "image/avif", ".xml": "application/xml" };
const site = http.createServer((req, res) => {
  const url = new URL(req.url, root);
  let file = decodeURIComponent(url.pathname);
  if (!file.startsWith("/coop/")) { res.writeHead(404).end(); return; }
  file = path.join(dir, file.slice("/coop/".length));
  if (file.endsWith("/") || (fs.existsSync(file) && fs.statSync(file).isDirectory())) file = path.join(file, "index.html");
  if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
  res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" });
  res.end(fs.readFileSync(file));
});
// A form service on another origin, as Formspree is: it answers cross-origin posts.
const posted = [];
let formFails = false;
const form = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    if (req.method !== "POST") { res.writeHead(405).end(); posted.push({ method: req.method }); return; }
    posted.push({ method: req.method, type: req.headers["content-type"], accept: req.headers.accept, fields: Object.fromEntries(new URLSearchParams(body)) });
    res.writeHead(formFails ? 500 : 200, { "access-control-allow-origin": "*", "content-type": "application/json" });
    res.end('{"ok":true}');
  });
});
await new Promise((r) => site.listen(+port, "127.0.0.1", r));
await new Promise((r) => form.listen(+formPort, "127.0.0.1", r));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let passed = 0;
const failures = [];
async function test(name, body) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // WhatsApp is never reached: its address is what is checked.
  await context.route("https://wa.me/**", (route) => route.abort());
  try {
    await body(page, context);
    assert.deepEqual(errors, [], "no script error");
    passed += 1;
    console.log(`ok ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL ${name}\n  ${String(e.stack || e).split("\n").slice(0, 12).join("\n  ")}`);
  }
  await context.close();
}

const amlou = `${root}products/amlou-traditionnel/`;
const cream = `${root}products/creme-corps-argan-rose/`;
const cartFr = `${root}panier/`;
const count = (page) => page.locator("[data-cart-count]").first().textContent();

async function addVariant(page, url, sku, quantity) {
  if (page.url() !== url) await page.goto(url);
  const form = page.locator("form[data-add-to-cart]");
  await form.waitFor({ state: "visible" });
  if (sku) await form.locator("select[name=sku]").selectOption(sku);
  await form.locator("input[name=quantity]").fill(String(quantity));
  await form.locator("button[type=submit]").click();
  return (await form.locator("[data-cart-status]").textContent()).trim();
}

// The cart of most tests: 3 × amlou 250 g, 1 × amlou 500 g, 1 cream, then the cream removed.
async function fillCart(page) {
  assert.equal(await addVariant(page, amlou, "TIF-AML-250", 1), "Ajouté au panier : 1 × Amlou traditionnel au miel – 250 g.");
  await page.locator("form[data-add-to-cart] [data-step='1']").click();
  assert.equal(await page.locator("input[name=quantity]").inputValue(), "2");
  await page.locator("form[data-add-to-cart] button[type=submit]").click();
  assert.equal(await addVariant(page, amlou, "TIF-AML-500", 1), "Ajouté au panier : 1 × Amlou traditionnel au miel – 500 g.");
  assert.equal(await addVariant(page, cream, null, 1), "Ajouté au panier : 1 × Crème corps argan et rose.");
  assert.equal(await count(page), "5");
  await page.goto(cartFr);
  await page.locator("[data-cart-filled]").waitFor({ state: "visible" });
}

// Types a quantity into line `n` of the cart, as a shopper does (the change event on leaving it).
async function setQuantity(page, n, value) {
  const input = page.locator("[data-cart-lines] > li").nth(n).locator("[data-field=quantity]");
  await input.fill(value);
  await input.dispatchEvent("change");
}

const lines = (page) => page.locator("[data-cart-lines] > li").evaluateAll((items) => items.map((li) => ({
  name: li.querySelector("[data-field=name]").textContent,
  variant: li.querySelector("[data-field=variant]").textContent,
  sku: li.querySelector("[data-field=sku]").textContent,
  price: li.querySelector("[data-field=price]").textContent,
  quantity: li.querySelector("[data-field=quantity]").value,
  total: li.querySelector("[data-field=total]").textContent,
})));
const totals = async (page) => ({
  subtotal: await page.locator("[data-cart-subtotal]").textContent(),
  fee: await page.locator("[data-cart-fee]").textContent(),
  total: await page.locator("[data-cart-total]").textContent(),
});
async function details(page) {
  await page.fill("#c-name", "Fatima Zahra");
  await page.fill("#c-phone", "06 12 34 56 78");
  await page.fill("#c-city", "Marrakech");
  await page.fill("#c-address", "12 derb Sidi Bouloukat");
  await page.fill("#c-note", "Appeler avant 18 h");
}
const REFERENCE = /^TIF-\d{8}-[2-9A-HJKMNP-Z]{4}$/;
function today() {
  const d = new Date();
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, "0")}${String(d.getDate()).padStart(2, "0")}`;
}
const frMessage = (ref) => [
  `Bonjour, voici ma commande ${ref} :`,
  "",
  "3 × Amlou traditionnel au miel – 250 g (TIF-AML-250) : 225,00 MAD",
  "1 × Amlou traditionnel au miel – 500 g (TIF-AML-500) : 140,00 MAD",
  "",
  "Sous-total : 365,00 MAD",
  "Livraison (Région Marrakech-Safi) : 25,00 MAD",
  "Total : 390,00 MAD",
  "Paiement en espèces à la livraison.",
  "",
  "Nom : Fatima Zahra",
  "Téléphone : 06 12 34 56 78",
  "Ville : Marrakech",
  "Adresse : 12 derb Sidi Bouloukat",
  "Note : Appeler avant 18 h",
].join("\n");

// Sends by WhatsApp: the address the new tab asks for (the route above stops it there).
async function sendBy(page, context, label) {
  const request = context.waitForEvent("request", (r) => r.url().startsWith("https://wa.me/"));
  const popup = context.waitForEvent("page");
  await page.getByRole("button", { name: label }).click();
  const url = (await request).url();
  await (await popup).close();
  return url;
}

await test("add, change, remove, zones and send by WhatsApp, in French", async (page, context) => {
  await fillCart(page);
  assert.deepEqual(await lines(page), [
    { name: "Amlou traditionnel au miel", variant: "250 g", sku: "TIF-AML-250", price: "75,00 MAD", quantity: "3", total: "225,00 MAD" },
    { name: "Amlou traditionnel au miel", variant: "500 g", sku: "TIF-AML-500", price: "140,00 MAD", quantity: "1", total: "140,00 MAD" },
    { name: "Crème corps argan et rose", variant: "", sku: "TIF-COS-CRE-150", price: "95,00 MAD", quantity: "1", total: "95,00 MAD" },
  ]);
  await setQuantity(page, 0, "2");
  await page.waitForFunction(() => document.querySelector("[data-cart-live]").textContent !== "");
  assert.equal(await page.locator("[data-cart-live]").textContent(), "Amlou traditionnel au miel – 250 g : quantité 2.");
  await page.getByRole("button", { name: "Retirer Crème corps argan et rose du panier" }).click();
  assert.equal((await lines(page)).length, 2);
  assert.equal(await count(page), "3");
  // Essaouira: 15 MAD, free from 300 MAD.
  assert.deepEqual(await totals(page), { subtotal: "290,00 MAD", fee: "15,00 MAD", total: "305,00 MAD" });
  await setQuantity(page, 0, "3");
  assert.deepEqual(await totals(page), { subtotal: "365,00 MAD", fee: "Offerte", total: "365,00 MAD" });
  assert.equal(await count(page), "4");
  await page.getByLabel(/Région Marrakech-Safi/).check();
  assert.deepEqual(await totals(page), { subtotal: "365,00 MAD", fee: "25,00 MAD", total: "390,00 MAD" });
  await details(page);
  const url = await sendBy(page, context, "Envoyer la commande sur WhatsApp");
  const ref = (await page.locator("[data-cart-sent] [data-field=reference]").textContent()).trim();
  assert.match(ref, REFERENCE);
  assert.ok(ref.startsWith(`TIF-${today()}-`), ref);
  assert.equal(url, `https://wa.me/212600000000?text=${encodeURIComponent(frMessage(ref))}`);
  assert.equal(decodeURIComponent(new URL(url).searchParams.get("text")), frMessage(ref));
  assert.equal(await page.locator("[data-field=resend]").getAttribute("href"), url);
  // Reloaded before saying it was sent: the same order, the same reference.
  await page.reload();
  await page.locator("[data-cart-sent]").waitFor({ state: "visible" });
  assert.equal((await page.locator("[data-cart-sent] [data-field=reference]").textContent()).trim(), ref);
  await page.getByRole("button", { name: "Oui, c'est envoyé : vider le panier" }).click();
  await page.locator("[data-cart-done]").waitFor({ state: "visible" });
  assert.equal(await count(page), "0");
  await page.reload();
  await page.locator("[data-cart-empty]").waitFor({ state: "visible" });
});

await test("the cart survives reloads and language switches; Arabic writes its own message, right to left", async (page, context) => {
  await fillCart(page);
  await page.reload();
  await page.locator("[data-cart-filled]").waitFor({ state: "visible" });
  assert.equal((await lines(page)).length, 3);
  await page.locator("nav.langs a[hreflang=ar]").click();
  await page.waitForURL(`${root}ar/${encodeURIComponent("السلة")}/`);
  await page.locator("[data-cart-filled]").waitFor({ state: "visible" });
  assert.equal(await page.locator("html").getAttribute("dir"), "rtl");
  assert.equal(await count(page), "5");
  const ar = await lines(page);
  assert.deepEqual(ar.map((l) => [l.name, l.sku, l.price, l.total]), [
    ["أملو تقليدي بالعسل", "TIF-AML-250", "75,00 د.م.", "225,00 د.م."],
    ["أملو تقليدي بالعسل", "TIF-AML-500", "140,00 د.م.", "140,00 د.م."],
    ["كريم الجسم بالأركان والورد", "TIF-COS-CRE-150", "95,00 د.م.", "95,00 د.م."],
  ]);
  // Large amounts: the group separator of each language.
  await setQuantity(page, 1, "14");
  assert.equal((await lines(page))[1].total, "1.960,00 د.م.");
  await page.getByRole("button", { name: /إزالة كريم الجسم/ }).click();
  await page.getByLabel(/جهة مراكش آسفي/).check();
  await page.fill("#c-name", "فاطمة الزهراء");
  await page.fill("#c-phone", "+212 6 12 34 56 78");
  const url = await sendBy(page, context, "أرسل الطلب عبر واتساب");
  const ref = (await page.locator("[data-cart-sent] [data-field=reference]").textContent()).trim();
  assert.match(ref, REFERENCE);
  assert.equal(new URL(url).searchParams.get("text"), [
    `السلام عليكم، هذا طلبي ${ref}:`,
    "",
    "3 × أملو تقليدي بالعسل – 250 g (TIF-AML-250): 225,00 د.م.",
    "14 × أملو تقليدي بالعسل – 500 g (TIF-AML-500): 1.960,00 د.م.",
    "",
    "المجموع الفرعي: 2.185,00 د.م.",
    "التوصيل (جهة مراكش آسفي): مجاني",
    "المجموع: 2.185,00 د.م.",
    "الدفع نقدًا عند الاستلام.",
    "",
    "الاسم: فاطمة الزهراء",
    "الهاتف: +212 6 12 34 56 78",
  ].join("\n"));
  // Back to the cart, in English: the same items, its own number format.
  await page.getByRole("button", { name: "لا، العودة إلى السلة" }).click();
  await page.goto(`${root}en/cart/`);
  await page.locator("[data-cart-filled]").waitFor({ state: "visible" });
  assert.equal((await lines(page))[1].total, "MAD 1,960.00");
  assert.equal((await totals(page)).subtotal, "MAD 2,185.00");
  await page.goto(cartFr);
  await page.locator("[data-cart-filled]").waitFor({ state: "visible" });
  assert.equal((await lines(page))[1].total, `1${NNBSP}960,00 MAD`);
});

await test("e-mail: the exact mailto with subject and body", async (page) => {
  await fillCart(page);
  await setQuantity(page, 0, "3");
  await page.getByRole("button", { name: "Retirer Crème corps argan et rose du panier" }).click();
  await page.getByLabel(/Région Marrakech-Safi/).check();
  await details(page);
  await page.getByRole("button", { name: "Envoyer par e-mail" }).click();
  await page.locator("[data-cart-sent]").waitFor({ state: "visible" });
  const ref = (await page.locator("[data-cart-sent] [data-field=reference]").textContent()).trim();
  assert.equal(await page.locator("[data-field=resend]").getAttribute("href"),
    `mailto:contact@tifawin.example?subject=${encodeURIComponent(`Commande ${ref}`)}&body=${encodeURIComponent(frMessage(ref))}`);
});

await test("form endpoint: the fields posted, the cart emptied once it answers", async (page) => {
  await fillCart(page);
  await setQuantity(page, 0, "3");
  await page.getByRole("button", { name: "Retirer Crème corps argan et rose du panier" }).click();
  await page.getByLabel(/Région Marrakech-Safi/).check();
  await details(page);
  formFails = true;
  await page.getByRole("button", { name: "Envoyer la commande", exact: true }).click();
  await page.locator("[data-checkout-error]").filter({ hasText: "n'a pas pu être envoyée" }).waitFor();
  assert.equal(await count(page), "4", "a failed post keeps the cart");
  formFails = false;
  posted.length = 0;
  await page.getByRole("button", { name: "Envoyer la commande", exact: true }).click();
  await page.locator("[data-cart-done]").waitFor({ state: "visible" });
  assert.equal(posted.length, 1);
  const { fields, type, method } = posted[0];
  assert.equal(method, "POST");
  assert.equal(type, "application/x-www-form-urlencoded;charset=UTF-8");
  assert.match(fields.reference, REFERENCE);
  assert.deepEqual(fields, {
    reference: fields.reference,
    _subject: `Commande ${fields.reference}`,
    message: frMessage(fields.reference),
    total: "390,00 MAD",
    name: "Fatima Zahra",
    phone: "06 12 34 56 78",
    city: "Marrakech",
    address: "12 derb Sidi Bouloukat",
    note: "Appeler avant 18 h",
    zone: "Région Marrakech-Safi",
  });
  assert.equal((await page.locator("[data-cart-done] [data-field=reference]").textContent()).trim(), fields.reference);
  assert.equal(await count(page), "0");
});

await test("the phone number is checked before anything is sent", async (page) => {
  await fillCart(page);
  await page.fill("#c-name", "Fatima");
  await page.fill("#c-phone", "12345");
  await page.getByRole("button", { name: "Envoyer la commande sur WhatsApp" }).click();
  assert.equal(await page.locator("[data-cart-sent]").isVisible(), false);
  assert.match(await page.locator("#c-phone").evaluate((el) => el.validationMessage), /numéro de téléphone/);
});

await test("stock is respected: sold-out variants are not offered, too many is refused", async (page) => {
  await page.goto(`${root}products/safran-taliouine/`);
  const saffron = await page.locator("form[data-add-to-cart] select[name=sku] option").evaluateAll((o) => o.map((x) => x.value));
  assert.deepEqual(saffron, ["TIF-EPI-SAF-1", "TIF-EPI-SAF-2"], "the sold-out 5 g is not offered");
  assert.equal(await addVariant(page, amlou, "TIF-AML-500", 2), "Ajouté au panier : 2 × Amlou traditionnel au miel – 500 g.");
  assert.equal(await addVariant(page, amlou, "TIF-AML-500", 13), "Il n'en reste que 14 (dont 2 déjà dans votre panier).");
  assert.equal(await count(page), "2");
});

await test("tampered or corrupt storage: the build's data decides, the page works", async (page) => {
  await page.goto(cartFr);
  const key = "souk-cart:/coop/";
  await page.evaluate((key) => localStorage.setItem(key, "{not json"), key);
  await page.reload();
  await page.locator("[data-cart-empty]").waitFor({ state: "visible" });
  await page.evaluate((key) => localStorage.setItem(key, JSON.stringify({ items: [
    { p: "amlou-traditional", s: "TIF-AML-250", q: 2, price: 1, name: "<img src=x onerror=alert(1)>" },
    { p: "amlou-traditional", s: "NO-SUCH-SKU", q: 1 },
    { p: "no-such-product", s: "TIF-AML-500", q: 1 },
    { p: "amlou-traditional", s: "TIF-AML-500", q: 500 },
    { p: "amlou-traditional", s: "TIF-AML-250", q: -3 },
    { p: "saffron", s: "TIF-EPI-SAF-5", q: 1 },
    "junk", null, 42,
  ] })), key);
  await page.reload();
  await page.locator("[data-cart-filled]").waitFor({ state: "visible" });
  assert.deepEqual((await lines(page)).map((l) => [l.name, l.sku, l.quantity, l.total]), [
    ["Amlou traditionnel au miel", "TIF-AML-250", "2", "150,00 MAD"],
    ["Amlou traditionnel au miel", "TIF-AML-500", "14", `1${NNBSP}960,00 MAD`],
  ]);
  const notice = await page.locator("[data-cart-notice]").textContent();
  assert.match(notice, /n'est plus en vente/);
  assert.match(notice, /Il ne reste que 14 × Amlou traditionnel au miel – 500 g/);
  assert.match(notice, /Safran de Taliouine – 5 g est épuisé : il a été retiré de votre panier/);
  assert.equal((await totals(page)).subtotal, `2${NNBSP}110,00 MAD`);
  assert.equal(await page.locator("img[src=x]").count(), 0);
});

await test("offline, the cart says it could not load and keeps every item", async (page, context) => {
  await fillCart(page);
  await context.route("**/coop/shop/**", (route) => route.abort());
  await page.reload();
  await page.locator("[data-cart-notice]").filter({ hasText: "n'a pas pu être chargé" }).waitFor();
  assert.equal(await page.locator("[data-cart-filled]").isVisible(), false);
  await context.unroute("**/coop/shop/**");
  await page.reload();
  await page.locator("[data-cart-filled]").waitFor({ state: "visible" });
  assert.equal((await lines(page)).length, 3);
  assert.equal(await count(page), "5");
});

await test("the cart is kept under the shop's own path, so two shops on one host keep two carts", async (page) => {
  await addVariant(page, amlou, "TIF-AML-250", 1);
  const keys = await page.evaluate(() => Object.keys(localStorage));
  assert.deepEqual(keys, ["souk-cart:/coop/"]);
});

await test("without JavaScript every variant orders by its own link, and the cart says why it is empty", async (page, context) => {
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const p = await noJs.newPage();
  await p.goto(amlou);
  assert.equal(await p.locator("form[data-add-to-cart]").isVisible(), false);
  const links = await p.locator(".order-variants a.button-wa").evaluateAll((a) => a.map((x) => x.href));
  const url = `${root}products/amlou-traditionnel/`;
  assert.deepEqual(links.map((l) => new URL(l).searchParams.get("text")), [
    `Bonjour, je souhaite commander : 1 × Amlou traditionnel au miel – 250 g (TIF-AML-250), 75,00 MAD\n${url}`,
    `Bonjour, je souhaite commander : 1 × Amlou traditionnel au miel – 500 g (TIF-AML-500), 140,00 MAD\n${url}`,
  ]);
  assert.ok(links.every((l) => l.startsWith("https://wa.me/212600000000?text=")));
  await p.goto(cartFr);
  assert.equal(await p.locator("[data-cart]").isVisible(), false);
  assert.match(await p.locator("main").innerText(), /Le panier a besoin de JavaScript/);
  assert.equal(await p.locator("[data-cart-link]").isVisible(), false);
  await noJs.close();
});

await test("no axe-core violations on the cart (filled, in French and Arabic) and the product page", async (page) => {
  await fillCart(page);
  for (const url of [cartFr, `${root}ar/${encodeURIComponent("السلة")}/`, amlou]) {
    await page.goto(url);
    await page.waitForTimeout(300);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"] }));
    assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], url);
  }
});

await test("on a phone, variant labels and SKUs stay whole, in French and Arabic", async (page) => {
  for (const width of [320, 390]) {
    await page.setViewportSize({ width, height: 800 });
    for (const url of [`${root}products/huile-argan-alimentaire/`, `${root}ar/products/${encodeURIComponent("زيت-أركان-غذائي")}/`]) {
      await page.goto(url);
      const broken = await page.evaluate(() => [...document.querySelectorAll("table.variants tbody :is(th bdi, .sku)")]
        .filter((el) => el.getClientRects().length !== 1).map((el) => el.textContent));
      assert.deepEqual(broken, [], `${url} at ${width} px`);
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true, `${url} at ${width} px scrolls sideways`);
    }
  }
});

await browser.close();
site.close();
form.close();
console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
