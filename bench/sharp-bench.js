#!/usr/bin/env node
// The image stage alone, done by libvips through npm `sharp`: for every source photo, the
// variants the Hugo site makes (800 px and 400 px wide, WebP q75, no metadata), on every core.
//
//     node bench/sharp-bench.js SRC_DIR OUT_DIR [--jobs N] [--threads T] [--json FILE]
//
// Each photo is decoded once (libjpeg shrink-on-load to the smallest scale >= 800 px), turned
// upright, resized to 800 px (Lanczos 3, sharp's default); the 800 px pixels are encoded and
// also resized to 400 px, so the full-size photo is never decoded twice. N photos are in flight
// at once (default: the number of CPUs), each pipeline on T libvips threads (default 1), so
// both cores work on different photos. Prints and optionally writes one JSON object with
// `sources`, `files`, `seconds` (photos only, not node's start-up) and `images_per_s`.
//
// sharp is looked up in $SHARP_MODULE, then bench/.work/node_modules (where bench/run.py
// installs it), then the usual places.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");

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

function parseArgs(argv) {
  const a = { jobs: (os.availableParallelism ? os.availableParallelism() : os.cpus().length), threads: 1, json: null, pos: [] };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === "--jobs") a.jobs = parseInt(argv[++i], 10);
    else if (x === "--threads") a.threads = parseInt(argv[++i], 10);
    else if (x === "--json") a.json = argv[++i];
    else a.pos.push(x);
  }
  if (a.pos.length !== 2 || !(a.jobs > 0) || !(a.threads > 0)) {
    console.error("usage: node sharp-bench.js SRC_DIR OUT_DIR [--jobs N] [--threads T] [--json FILE]");
    process.exit(2);
  }
  return a;
}

async function one(sharp, src, outDir) {
  const base = path.basename(src).replace(/\.[^.]+$/, "");
  const { data, info } = await sharp(src, { failOn: "error" })
    .rotate() // EXIF orientation, as souk and Hugo do
    .resize({ width: 800 })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  await Promise.all([
    sharp(data, raw).webp({ quality: 75 }).toFile(path.join(outDir, `${base}-800.webp`)),
    sharp(data, raw).resize({ width: 400 }).webp({ quality: 75 }).toFile(path.join(outDir, `${base}-400.webp`)),
  ]);
  return 2;
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
      files += await one(sharp, src, outDir);
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
