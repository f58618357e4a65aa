#!/usr/bin/env python3
"""How many bytes a phone downloads for a few pages of example-site, as Lighthouse counts them.

    python3 bench/page-weight.py [--souk PATH] [--pages /,/ar/,...] [--runs N]
                                 [--out DIR] [--results FILE]

A measurement, not a test. Builds example-site with souk (`--souk PATH`, else
target/release/souk, else `cargo build --release` first), serves the output on 127.0.0.1 from
a small static server written below, which compresses text with gzip (level 6) the way static
hosts do and sends photos as they are, and runs Lighthouse 12 (npm `lighthouse`, installed into
bench/.work/node_modules when missing) in Debian's Chromium (/usr/bin/chromium) with its default
mobile emulation and all four categories, on each page.

Default pages: the French home `/`, the Arabic home `/ar/`, the first French and the first
Arabic product page (by folder name) and the French listing of the first category. For each
page it prints, and writes to bench/page-weight-results.md, a Markdown row: Lighthouse's
total byte weight (`total-byte-weight`, in KB of 1000 bytes), the four category scores, and
that weight by resource type (the transfer sizes of `network-requests`); then, per page, every
image request, largest first: which photo renditions the phone downloaded. With `--runs N`,
medians of N runs (the image lists come from the run whose weight is the median). Raw
Lighthouse reports are kept in bench/.work/page-weight/.

Python standard library only.
"""
import argparse
import datetime
import gzip
import http.server
import json
import os
import posixpath
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(REPO, "bench", ".work")
LIGHTHOUSE = os.path.join(WORK, "node_modules", ".bin", "lighthouse")
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking"
    " --disable-component-update --disable-sync"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# Lighthouse's resourceType (Chrome's) → the table's columns; everything else is "other".
TYPES = ["document", "stylesheet", "script", "image", "font", "other"]

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".mjs": "application/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}
# What static hosts compress: text. Photos are already compressed and are sent as they are.
COMPRESSED = {".html", ".css", ".js", ".mjs", ".svg", ".json", ".webmanifest", ".xml", ".txt", ".csv"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--souk", help="souk binary (default: target/release/souk, built if missing)")
    parser.add_argument("--out", default="/dev/shm/souk-page-weight/site", help="build output folder")
    parser.add_argument("--pages", help="comma-separated URL paths (default: two homes, two products, a category)")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (medians)")
    parser.add_argument("--results", default=os.path.join(REPO, "bench", "page-weight-results.md"),
                        help="Markdown file written (default: bench/page-weight-results.md)")
    args = parser.parse_args()
    # Paths as given are from the current folder; souk builds from the repository's.
    args.out, args.results = os.path.abspath(args.out), os.path.abspath(args.results)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    started = time.monotonic()

    souk = find_souk(args.souk)
    build(souk, args.out)
    if args.pages:
        pages = ["/" + p.strip().lstrip("/") for p in args.pages.split(",") if p.strip()]
    else:
        pages = default_pages(args.out)
    lighthouse = install_lighthouse()
    raw_dir = os.path.join(WORK, "page-weight")
    os.makedirs(raw_dir, exist_ok=True)
    for name in os.listdir(raw_dir):  # so the folder holds this run's reports only
        if name.endswith(".json"):
            os.remove(os.path.join(raw_dir, name))

    server = serve(args.out)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"serving {args.out} at {origin}/", flush=True)
    results = []
    cpu = []
    try:
        for i, page in enumerate(pages):
            reports = []
            for run in range(args.runs):
                name = f"{i + 1:02d}-{file_stem(page)}-run{run + 1}.json"
                path = os.path.join(raw_dir, name)
                t0 = time.monotonic()
                reports.append(run_lighthouse(lighthouse, origin + quote_path(page), path))
                cpu.append(reports[-1]["environment"].get("benchmarkIndex") or 0)
                print(f"  {page} run {run + 1}: {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
            results.append(summarise(page, reports))
    finally:
        server.shutdown()

    lhr = reports[-1]
    binary = os.path.relpath(souk, REPO)
    header = (
        f"{datetime.date.today().isoformat()}, souk {git_commit()}"
        f" (`{souk if binary.startswith('..') else binary}`),"
        f" Lighthouse {lhr['lighthouseVersion']}, {chromium_version()},"
        f" {lhr['configSettings']['formFactor']} emulation, {lhr['configSettings']['throttlingMethod']}"
        f" throttling; gzip -6 for text; "
        + (f"medians of {args.runs} runs" if args.runs > 1 else "one run")
        # Simulated throttling scales the host's own task times: on a busy shared host,
        # total blocking time (and so performance) drops while the bytes stay the same.
        + f"; Lighthouse's CPU benchmark index of the host {min(cpu):.0f}–{max(cpu):.0f}"
    )
    text = render(header, results, args.runs)
    print()
    print(text, end="")
    with open(args.results, "w", encoding="utf-8") as f:
        f.write(f"# Page weight (`bench/page-weight.py`)\n\n{text}")
    print(f"\nwritten to {shown(args.results)}; raw reports in {shown(raw_dir)}/;"
          f" took {time.monotonic() - started:.0f} s")


# ---------------------------------------------------------------------------------------------
# souk


def find_souk(given):
    if given:
        return os.path.abspath(given)
    souk = os.path.join(REPO, "target", "release", "souk")
    if not os.path.exists(souk):
        subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True)
    return souk


def build(souk, out):
    cache = os.path.join(WORK, "page-weight-cache")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    command = [souk, "build", "example-site", "--output", out, "--cache-dir", cache]
    print("$ " + " ".join(shown(c) if c.startswith("/") else c for c in command), flush=True)
    subprocess.run(command, cwd=REPO, check=True)


def default_pages(out):
    """The two homes, the first French and Arabic product pages, the first French category."""

    def first(folder):
        # Only folders with their own index.html: `products/page/` (pagination) has none.
        root = os.path.join(out, folder)
        names = sorted(n for n in os.listdir(root) if os.path.isfile(os.path.join(root, n, "index.html")))
        if not names:
            sys.exit(f"no {folder}/<name>/index.html in {out}")
        return f"/{folder}/{names[0]}/"

    return ["/", "/ar/", first("products"), first("ar/products"), first("categories")]


# ---------------------------------------------------------------------------------------------
# The static server: what a static host sends, compression included.


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real hosts do
    root = None
    gzip_cache = {}  # file path → (mtime, gzipped bytes); pages are requested more than once
    lock = threading.Lock()

    def do_GET(self):
        self.respond(body=True)

    def do_HEAD(self):
        self.respond(body=False)

    def respond(self, body):
        url_path = urllib.parse.urlsplit(self.path).path
        decoded = urllib.parse.unquote(url_path)
        # Normalise and keep inside the root: no `..` out of it.
        rel = posixpath.normpath(decoded).lstrip("/")
        if rel == ".":
            rel = ""
        if rel.startswith(".."):
            return self.send_plain(403, "forbidden")
        path = os.path.join(self.root, *rel.split("/")) if rel else self.root
        if os.path.isdir(path):
            if not url_path.endswith("/"):  # `/ar` → `/ar/`, as static hosts redirect
                self.send_response(301)
                self.send_header("Location", url_path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = os.path.join(path, "index.html")
        status = 200
        if not os.path.isfile(path):
            status, path = 404, os.path.join(self.root, "404.html")
            if not os.path.isfile(path):
                return self.send_plain(404, "not found")

        ext = os.path.splitext(path)[1].lower()
        encoding = None
        if ext in COMPRESSED and accepts_gzip(self.headers.get("Accept-Encoding", "")):
            data, encoding = self.gzipped(path), "gzip"
        else:
            with open(path, "rb") as f:
                data = f.read()

        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPES.get(ext, "application/octet-stream"))
        self.send_header("Content-Length", str(len(data)))
        if ext in COMPRESSED:
            self.send_header("Vary", "Accept-Encoding")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        # Photo renditions are named by their content hash, so they can be kept for ever.
        if decoded.startswith("/images/"):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.send_header("Cache-Control", "public, max-age=0, must-revalidate")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def gzipped(self, path):
        mtime = os.stat(path).st_mtime_ns
        with self.lock:
            cached = self.gzip_cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        with open(path, "rb") as f:
            data = gzip.compress(f.read(), compresslevel=6, mtime=0)
        with self.lock:
            self.gzip_cache[path] = (mtime, data)
        return data

    def send_plain(self, status, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # quiet: no line per request
        pass


def accepts_gzip(header):
    """True when Accept-Encoding lists gzip (or *) without q=0."""
    for part in header.split(","):
        token, _, params = part.strip().partition(";")
        if token.strip().lower() in ("gzip", "*"):
            q = re.search(r"q\s*=\s*([\d.]+)", params)
            return not q or float(q[1]) > 0
    return False


def serve(root):
    Handler.root = os.path.abspath(root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # port 0: a free one
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# ---------------------------------------------------------------------------------------------
# Lighthouse


def install_lighthouse():
    if not os.path.exists(LIGHTHOUSE):
        if not shutil.which("npm"):
            sys.exit("npm is needed to install Lighthouse (Debian: apt-get install nodejs npm)")
        subprocess.run(["npm", "install", "--prefix", WORK, "lighthouse@12"], check=True)
    if not os.path.exists(CHROMIUM):
        sys.exit(f"{CHROMIUM} is missing (Debian: apt-get install chromium)")
    return LIGHTHOUSE


def run_lighthouse(lighthouse, url, path):
    # CHROME_PATH: Lighthouse's launcher uses Debian's Chromium, never a browser of its own.
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    command = [
        lighthouse,
        url,
        "--output=json",
        f"--output-path={path}",
        "--only-categories=" + ",".join(CATEGORIES),
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or not os.path.exists(path):
        sys.exit(f"lighthouse failed on {url} (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    with open(path, encoding="utf-8") as f:
        lhr = json.load(f)
    if lhr.get("runtimeError"):
        sys.exit(f"lighthouse on {url}: {lhr['runtimeError']}")
    return lhr


def summarise(page, reports):
    """One page's figures: medians over its runs, images from the median-weight run."""
    runs = []
    for lhr in reports:
        audits = lhr["audits"]
        by_type = dict.fromkeys(TYPES, 0)
        images = []
        for item in audits["network-requests"]["details"]["items"]:
            size = item.get("transferSize") or 0
            kind = (item.get("resourceType") or "other").lower()
            by_type[kind if kind in by_type else "other"] += size
            if kind == "image" and not item["url"].startswith("data:"):
                images.append((urllib.parse.unquote(urllib.parse.urlsplit(item["url"]).path), size))
        runs.append(
            {
                "weight": audits["total-byte-weight"]["numericValue"],
                "requests": len(audits["network-requests"]["details"]["items"]),
                "scores": {c: lhr["categories"][c]["score"] for c in CATEGORIES},
                "types": by_type,
                "images": sorted(images, key=lambda x: (-x[1], x[0])),
                "lcp": audits["largest-contentful-paint"]["numericValue"],
                "cls": audits["cumulative-layout-shift"]["numericValue"],
                "failed": failed_audits(lhr),
            }
        )
    median_run = sorted(runs, key=lambda r: r["weight"])[(len(runs) - 1) // 2]
    med = statistics.median
    return {
        "page": page,
        "weight": med(r["weight"] for r in runs),
        "requests": med(r["requests"] for r in runs),
        "scores": {c: med(score_of(r["scores"][c]) for r in runs) for c in CATEGORIES},
        "types": {t: med(r["types"][t] for r in runs) for t in TYPES},
        "images": median_run["images"],
        "lcp": med(r["lcp"] for r in runs),
        "cls": med(r["cls"] for r in runs),
        "failed": median_run["failed"],
    }


def failed_audits(lhr):
    """Audits that cost points in a category (score below 1), with their weight: why a score is not 100."""
    failed = []
    for cat in CATEGORIES:
        for ref in lhr["categories"][cat]["auditRefs"]:
            audit = lhr["audits"][ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                failed.append(f"{cat}: {ref['id']} ({audit['score']:.2f})")
    return failed


def score_of(score):
    return None if score is None else round(score * 100)


# ---------------------------------------------------------------------------------------------
# Output


def render(header, results, runs):
    kb = lambda n: f"{n / 1000:.1f}"
    score = lambda s: "–" if s is None else f"{s:g}"
    lines = [
        header,
        "",
        "| page | total KB | perf | a11y | best pr. | SEO | document | stylesheet | script | image | font | other |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        s = r["scores"]
        lines.append(
            f"| `{r['page']}` | **{kb(r['weight'])}** | "
            + " | ".join(score(s[c]) for c in CATEGORIES)
            + " | "
            + " | ".join(kb(r["types"][t]) for t in TYPES)
            + " |"
        )
    lines += ["", "KB = 1000 bytes as transferred (headers included, text gzipped)."]
    lines += ["", "## Images downloaded, largest first" + (" (median-weight run)" if runs > 1 else ""), ""]
    for r in results:
        total = sum(size for _, size in r["images"])
        lines.append(
            f"`{r['page']}`: {len(r['images'])} images, {kb(total)} KB of {kb(r['weight'])} KB;"
            f" {r['requests']:g} requests, LCP {r['lcp'] / 1000:.1f} s, CLS {r['cls']:.3f}"
        )
        lines.append("")
        for url, size in r["images"]:
            lines.append(f"- {kb(size)} KB `{url}`")
        lines.append("")
        if r["failed"]:
            lines += ["Points lost (audit, score): " + "; ".join(r["failed"]), ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Helpers


def quote_path(page):
    return urllib.parse.quote(page, safe="/%")


def file_stem(page):
    """A plain-ASCII file name for a page's report (the run's index keeps them apart)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", urllib.parse.unquote(page)).strip("-") or "home"


def shown(path):
    """A path relative to the current folder when it is below it, else absolute."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def git_commit():
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "themes", "example-site", "Cargo.toml", "Cargo.lock"],
            cwd=REPO, capture_output=True, text=True,
        ).stdout.strip()
        return commit + (" with uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def chromium_version():
    # Debian's /usr/bin/chromium is a shell wrapper that may print noise on stderr: stdout only.
    out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    return re.sub(r"\s+built on.*", "", out) or "Chromium (unknown version)"


if __name__ == "__main__":
    main()
