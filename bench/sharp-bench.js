#!/usr/bin/env node
// The image stage alone, done by libvips through npm `sharp`: for every source photo, a set of
// variants (by default the Hugo site's: 800 px and 400 px wide, WebP q75), no metadata, on
// every core.
//
//     node bench/sharp-bench.js SRC_DIR OUT_DIR [--jobs N] [--threads T] [--json FILE]
//          [--widths 400,800] [--formats webp] [--quality-webp 75] [--quality-jpeg 80]
//          [--quality-avif 50]
//
// souk's default variant set (what bench/images.py runs):
//     --widths 320,640,960,1440 --formats webp,jpeg --quality-webp 75 --quality-jpeg 80
//
// Each photo is read once and decoded once (libjpeg shrink-on-load to the smallest scale that
// still serves the largest variant), turned upright and resized to the largest width it gets
// (Lanczos 3, sharp's default); every smaller width is resized from those pixels, so the
// full-size photo is never decoded twice, and each width's pixels are encoded in every format.
// Widths follow souk's rule: a photo is never enlarged; it gets every width below its own, and
// its own width when it is not wider than the largest (a 1280 px photo with the widths above:
// 320, 640, 960 and 1280). JPEG is progressive with 4:2:0 chroma, as souk writes it. File
// names: `<source name>-<width>.<webp|jpg|avif>`.
//
// N photos are in flight at once (default: the number of CPUs), each pipeline on T libvips
// threads (default 1), so both cores work on different photos. Prints and optionally writes one
// JSON object with `sources`, `files`, `seconds` (photos only, not node's start-up) and
// `images_per_s`.
//
// sharp is looked up in $SHARP_MODULE, then bench/.work/node_modules (where bench/run.py
// installs it), then the usual places.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");

const FORMATS = ["avif", "webp", "jpeg"];
const EXTENSION = { avif: "avif", webp: "webp", jpeg: "jpg" };
const USAGE =
  "usage: node sharp-bench.js SRC_DIR OUT_DIR [--jobs N] [--threads T] [--json FILE] " +
  "[--widths 400,800] [--formats webp] [--quality-webp 75] [--quality-jpeg 80] [--quality-avif 50]";

function loadSharp() {
  const candidates = [process.env.SHARP_MODULE, path.join(__dirname, ".work", "node_modules", "sharp"), "sharp"];
  for (const c of candidates) {
    if (!c) continue;
    try {
      return require(c);
    } catch (e) {
      if (e.code !== "MODULE_NOT_FOUND") throw e;
    }
  }
  console.error("sharp is not installed: run bench/run.py, or `npm install --prefix bench/.work sharp`");
  process.exit(2);
}

function usage(why) {
  if (why) console.error(why);
  console.error(USAGE);
  process.exit(2);
}

function parseArgs(argv) {
  const a = {
    jobs: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    threads: 1,
    json: null,
    widths: [400, 800], // the Hugo site's variants: what bench/run.py times
    formats: ["webp"],
    quality: { avif: 50, webp: 75, jpeg: 80 },
    pos: [],
  };
  const list = (v) => String(v).split(",").map((s) => s.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === "--jobs") a.jobs = parseInt(argv[++i], 10);
    else if (x === "--threads") a.threads = parseInt(argv[++i], 10);
    else if (x === "--json") a.json = argv[++i];
    else if (x === "--widths") a.widths = list(argv[++i]).map((s) => Number(s));
    else if (x === "--formats") a.formats = list(argv[++i]).map((s) => (s === "jpg" ? "jpeg" : s));
    else if (x.startsWith("--quality-") && FORMATS.includes(x.slice(10))) {
      a.quality[x.slice(10)] = Number(argv[++i]);
    }
    else if (x.startsWith("--")) usage(`unknown option ${x}`);
    else a.pos.push(x);
  }
  if (a.pos.length !== 2 || !(a.jobs > 0) || !(a.threads > 0)) usage();
  if (!a.widths.length || a.widths.some((w) => !Number.isInteger(w) || w < 1)) {
    usage("--widths: positive integers");
  }
  a.widths = [...new Set(a.widths)].sort((x, y) => x - y);
  if (!a.formats.length || a.formats.some((f) => !FORMATS.includes(f))) {
    usage(`--formats: some of ${FORMATS}`);
  }
  a.formats = [...new Set(a.formats)];
  for (const f of FORMATS) {
    const q = a.quality[f];
    if (!Number.isInteger(q) || q < 1 || q > 100) usage(`--quality-${f}: 1 to 100`);
  }
  return a;
}

// souk's rule (src/images/mod.rs, target_widths): every width below the photo's, and the
// photo's own width when it is not wider than the largest. Never enlarges.
function targetWidths(width, widths) {
  const largest = widths[widths.length - 1];
  const t = widths.filter((w) => w < width);
  if (width <= largest) t.push(width);
  return [...new Set(t)].sort((x, y) => x - y);
}

function encoder(img, format, quality) {
  if (format === "webp") return img.webp({ quality });
  if (format === "jpeg") return img.jpeg({ quality, progressive: true, chromaSubsampling: "4:2:0" });
  return img.avif({ quality });
}

async function one(sharp, a, src, outDir) {
  const base = path.basename(src).replace(/\.[^.]+$/, "");
  const input = await fs.promises.readFile(src);
  const meta = await sharp(input).metadata(); // headers only
  const upright = (meta.orientation || 1) >= 5 ? meta.height : meta.width;
  const targets = targetWidths(upright, a.widths);
  const largest = targets[targets.length - 1];
  // One decode (shrink-on-load), upright, resized to the largest width: raw pixels in memory.
  const { data, info } = await sharp(input, { failOn: "error" })
    .rotate() // EXIF orientation, as souk and Hugo do
    .resize({ width: largest })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  const jobs = targets.map(async (w) => {
    let pixels = data;
    let geometry = raw;
    if (w !== largest) {
      const r = await sharp(data, raw).resize({ width: w }).raw().toBuffer({ resolveWithObject: true });
      pixels = r.data;
      geometry = { raw: { width: r.info.width, height: r.info.height, channels: r.info.channels } };
    }
    await Promise.all(
      a.formats.map((f) =>
        encoder(sharp(pixels, geometry), f, a.quality[f])
          .toFile(path.join(outDir, `${base}-${w}.${EXTENSION[f]}`)),
      ),
    );
  });
  await Promise.all(jobs);
  return targets.length * a.formats.length;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const sharp = loadSharp();
  sharp.concurrency(a.threads);
  sharp.cache(false);
  const [srcDir, outDir] = a.pos;
  const sources = fs.readdirSync(srcDir).filter((f) => /\.(jpe?g)$/i.test(f)).sort().map((f) => path.join(srcDir, f));
  if (!sources.length) {
    console.error(`no JPEG files in ${srcDir}`);
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const t0 = process.hrtime.bigint();
  let next = 0;
  let files = 0;
  async function worker() {
    while (next < sources.length) {
      const src = sources[next++];
      // Not `files += await one(…)`: that reads `files` before the await, losing the counts
      // other workers add meanwhile.
      const n = await one(sharp, a, src, outDir);
      files += n;
    }
  }
  await Promise.all(Array.from({ length: Math.min(a.jobs, sources.length) }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const result = {
    sources: sources.length,
    files,
    seconds: Math.round(seconds * 1000) / 1000,
    images_per_s: Math.round((sources.length / seconds) * 100) / 100,
    jobs: a.jobs,
    threads: a.threads,
    widths: a.widths,
    formats: a.formats,
    quality: Object.fromEntries(a.formats.map((f) => [f, a.quality[f]])),
    versions: sharp.versions,
  };
  const text = JSON.stringify(result);
  console.log(text);
  if (a.json) fs.writeFileSync(a.json, text + "\n");
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
