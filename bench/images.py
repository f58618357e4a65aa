#!/usr/bin/env python3
"""The image stage alone: souk's default photo variants, souk against libvips, in photos/s.

    python3 bench/images.py [--copies 8] [--runs 3] [--peers souk,sharp,vipsthumbnail]
                            [--souk PATH] [--out-root /dev/shm/souk-images] [--results FILE]
                            [--keep-output]

For souk's issue "image pipeline". The workload is --copies K copies of every photo in
../shared/photos/ (25 JPEGs, 1280-2572 px wide, the greyscale p19-grey included), each copy made
byte-unique by a JPEG COM segment right after SOI, so no content-hash cache can share work
between copies. Every tool makes the same files from every source: souk's default variant set
before issue 17 (kept so runs stay comparable), widths 320, 640, 960, 1440 (never enlarging: a photo narrower than 1440 px gets its own width
instead), each in WebP q75 and JPEG q80 (progressive, 4:2:0), no metadata. souk's default also
makes a 1200x630 JPEG "social" picture per product; that is turned off here (`social: false`)
because the libvips peers do not make it.

Timed, one at a time, each under GNU `time -v` (wall seconds, peak RSS, CPU), outputs written to
tmpfs (--out-root), sources and souk's cache on disk in bench/.work/images/:

- souk cold: `souk build SITE --output OUT --cache-dir CACHE` with OUT and CACHE removed, on a
  tiny site (one category, one product per source photo, French only) whose souk.yaml has the
  default `images:` settings written out, with `social: false`;
- souk warm: the same with only OUT removed (souk reads and hashes every photo, encodes none);
- sharp: `node bench/sharp-bench.js SRC OUT --widths 320,640,960,1440 --formats webp,jpeg
  --quality-webp 75 --quality-jpeg 80` (npm `sharp`, its own libvips; one decode per photo with
  shrink-on-load, as many photos at once as CPUs, one libvips thread each);
- vipsthumbnail (Debian `libvips-tools`): what one would type, one invocation per width and
  format over all the sources, libvips' default threading (`vipsthumbnail -s 320x -o
  'OUT/%s-320.webp[Q=75,strip]' SRC/*.jpg`, the largest width as `-s '1440x>'` so nothing is
  enlarged); every invocation decodes every source again, so 8 decodes per photo.

photos/s = source photos / wall seconds of the whole timed command (process start-up included).
Prints a markdown table of medians over --runs and writes it to bench/images-results.md; raw
rows and every command's output are kept in bench/.work/images/results/.

Installs what is missing, as bench/run.py does: Debian `time` and `libvips-tools` (apt-get),
npm `sharp` into bench/.work/node_modules; builds souk with `cargo build --release` unless
--souk names a binary. Python standard library only.
"""
import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)
sys.dont_write_bytecode = True  # no bench/__pycache__ from importing run.py
import run as common  # noqa: E402  bench/run.py: installers, souk build, step timing

REPO = common.REPO
WORK = os.path.join(common.WORK, "images")
PEERS = ("souk", "sharp", "vipsthumbnail")

# souk's default variant set (src/images/mod.rs, ImageSettings::default), without `social`.
WIDTHS = [320, 640, 960, 1440]
FORMATS = ["webp", "jpeg"]  # the last is the <img> fallback
QUALITY = {"webp": 75, "jpeg": 80}
EXT = {"webp": "webp", "jpeg": "jpg", "avif": "avif"}
VARIANT_LABEL = "default: 320/640/960/1440 × WebP q75 + JPEG q80, no social"
IMAGE_CONFIG = (
    "images:                 # souk's defaults written out, without the social picture\n"
    f"  widths: [{', '.join(map(str, WIDTHS))}]\n"
    f"  formats: [{', '.join(FORMATS)}]\n"
    f"  quality: {{ {', '.join(f'{f}: {QUALITY[f]}' for f in FORMATS)} }}\n"
    "  social: false\n"
)
WORKLOAD_VERSION = 1  # bump when the way sources or the site are made changes

say = common.say
step = common.step
rm = common.rm


# --------------------------------------------------------------------------------------------
# JPEG headers: the upright width decides which widths a photo gets
# --------------------------------------------------------------------------------------------

SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def exif_orientation(app1):
    """The orientation tag (1-8) of an APP1 Exif payload, or 1."""
    if not app1.startswith(b"Exif\0\0"):
        return 1
    t = app1[6:]
    if t[:2] == b"II":
        e = "<"
    elif t[:2] == b"MM":
        e = ">"
    else:
        return 1
    try:
        ifd = struct.unpack(e + "I", t[4:8])[0]
        (count,) = struct.unpack(e + "H", t[ifd:ifd + 2])
        for k in range(count):
            entry = t[ifd + 2 + 12 * k: ifd + 14 + 12 * k]
            tag, typ, _n = struct.unpack(e + "HHI", entry[:8])
            if tag == 0x0112 and typ == 3:
                value = struct.unpack(e + "H", entry[8:10])[0]
                return value if 1 <= value <= 8 else 1
    except struct.error:
        pass
    return 1


def jpeg_info(data):
    """(width, height, components, orientation) of a JPEG, width and height upright."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    i, orientation = 2, 1
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise ValueError(f"bad marker at byte {i}")
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in (0x01,) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        payload = data[i + 4:i + 2 + length]
        if marker == 0xE1 and orientation == 1:
            orientation = exif_orientation(payload)
        if marker in SOF_MARKERS:
            _p, h, w, nc = struct.unpack(">BHHB", payload[:6])
            if orientation >= 5:
                w, h = h, w
            return w, h, nc, orientation
        i += 2 + length
    raise ValueError("no frame header")


def target_widths(width, widths=WIDTHS):
    """souk's rule (src/images/mod.rs target_widths): never enlarge."""
    t = {w for w in widths if w < width}
    if width <= max(widths):
        t.add(width)
    return sorted(t)


def with_comment(data, text):
    """The JPEG with a COM segment right after SOI (as ../shared/bench/gen_catalog.py does)."""
    payload = text.encode("ascii")
    return data[:2] + b"\xff\xfe" + struct.pack(">H", len(payload) + 2) + payload + data[2:]


# --------------------------------------------------------------------------------------------
# workload
# --------------------------------------------------------------------------------------------

def find_photos(shared):
    photos = sorted(glob.glob(os.path.join(shared, "photos", "*.jpg")))
    if not photos:
        sys.exit(f"no photos in {shared}/photos")
    return photos


def make_workload(photos, copies):
    """bench/.work/images/src-K (byte-unique copies) and site-K (a souk site around them)."""
    src = os.path.join(WORK, f"src-{copies}")
    site = os.path.join(WORK, f"site-{copies}")
    h = hashlib.sha256()
    for p in photos:
        h.update(os.path.basename(p).encode())
        h.update(common.file_hash(p).encode())
    want = {"version": WORKLOAD_VERSION, "copies": copies, "photos": h.hexdigest()[:16],
            "script": common.file_hash(os.path.abspath(__file__))}
    stamp = os.path.join(WORK, f".workload-{copies}.complete")
    infos = {}
    for p in photos:
        with open(p, "rb") as fh:
            infos[os.path.basename(p)] = jpeg_info(fh.read())
    sources = []  # (copy file name, its photo's info)
    for c in range(1, copies + 1):
        for p in photos:
            stem = os.path.splitext(os.path.basename(p))[0]
            sources.append((f"{stem}-c{c:02d}.jpg", infos[os.path.basename(p)]))
    if common.stamp_ok(stamp, want) and os.path.isdir(src) and os.path.isdir(site):
        return src, site, sources
    with step(f"make the workload: {copies} byte-unique copies of {len(photos)} photos and a "
              f"souk site around them"):
        rm(stamp)
        rm(src)
        rm(site)
        os.makedirs(src)
        for c in range(1, copies + 1):
            for p in photos:
                stem = os.path.splitext(os.path.basename(p))[0]
                with open(p, "rb") as fh:
                    data = fh.read()
                out = os.path.join(src, f"{stem}-c{c:02d}.jpg")
                with open(out, "wb") as fh:
                    fh.write(with_comment(data, f"souk-bench images copy {c} of {stem}"))
        write_site(site, src)
        common.write_stamp(stamp, want)
    return src, site, sources


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def write_site(site, src):
    write(os.path.join(site, "souk.yaml"),
          "# Written by bench/images.py: do not edit.\n"
          "base_url: https://souk.example/\n"
          "languages:\n"
          "  - { code: fr, name: Français, locale: fr }\n"
          "currency: MAD\n"
          "cooperative:\n"
          "  name: Banc d'essai photo\n"
          "theme: default\n"
          "items_per_page: 48\n"
          "featured_count: 8\n"
          + IMAGE_CONFIG)
    write(os.path.join(site, "home", "fr.md"), "---\ntitle: Banc d'essai photo\n---\n")
    write(os.path.join(site, "categories", "photos", "fr.md"), "---\nname: Photos\n---\n")
    for k, name in enumerate(sorted(os.listdir(src)), 1):
        pid = os.path.splitext(name)[0]
        d = os.path.join(site, "products", pid)
        os.makedirs(d)
        try:
            os.link(os.path.join(src, name), os.path.join(d, "photo.jpg"))
        except OSError:
            shutil.copyfile(os.path.join(src, name), os.path.join(d, "photo.jpg"))
        write(os.path.join(d, "product.yaml"),
              f'sku: "IMG-{k:05d}"\n'
              "category: photos\n"
              'price: "100.00"\n'
              "images:\n"
              "  - file: photo.jpg\n"
              f'    alt: {{ fr: "Photo {pid}" }}\n')
        write(os.path.join(d, "fr.md"), f'---\nname: "Photo {pid}"\nsummary: "Photo {pid}."\n---\n')


def warm_page_cache(src):
    """Reads every source once, so the first timed tool does not pay for the disk."""
    n = 0
    for name in sorted(os.listdir(src)):
        with open(os.path.join(src, name), "rb") as fh:
            n += len(fh.read())
    return n


# --------------------------------------------------------------------------------------------
# tools
# --------------------------------------------------------------------------------------------

def ensure_vipsthumbnail():
    """vipsthumbnail from Debian's libvips-tools, or None (with the reason) if not installable."""
    if not shutil.which("vipsthumbnail"):
        try:
            with step("apt-get install libvips-tools (vipsthumbnail)"):
                sudo = [] if os.geteuid() == 0 else ["sudo"]
                env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
                if not common._apt_updated:
                    common.run(sudo + ["apt-get", "update", "-q"], env=env,
                               stdout=subprocess.DEVNULL)
                    common._apt_updated = True
                common.run(sudo + ["apt-get", "install", "-y", "-q", "--no-install-recommends",
                                   "libvips-tools"], env=env, stdout=subprocess.DEVNULL)
        except (subprocess.CalledProcessError, OSError) as e:
            return None, f"libvips-tools could not be installed with apt-get ({e})"
    exe = shutil.which("vipsthumbnail")
    if not exe:
        return None, "apt-get installed libvips-tools but there is no vipsthumbnail"
    v = subprocess.run([exe, "--vips-version"], capture_output=True, text=True).stdout.strip()
    return exe, v.replace("libvips ", "") or "?"


def souk_binary(a):
    if a.souk:
        binary = os.path.abspath(a.souk)
        if not os.access(binary, os.X_OK):
            sys.exit(f"--souk {a.souk}: not an executable")
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                             capture_output=True, text=True).stdout.strip() or "?"
        return binary, f"{rev}, given binary"  # not built now: it may be older than HEAD
    return common.build_souk()


# --------------------------------------------------------------------------------------------
# timing
# --------------------------------------------------------------------------------------------

def parse_time_v(text):
    r = {}
    for line in text.splitlines():
        line = line.strip()
        key, _, value = line.rpartition(": ")
        if key.startswith("Elapsed (wall clock) time"):
            s = 0.0
            for x in value.split(":"):
                s = s * 60 + float(x)
            r["wall"] = s
        elif key == "Maximum resident set size (kbytes)":
            r["rss_kb"] = int(value)
        elif key == "User time (seconds)":
            r["user"] = float(value)
        elif key == "System time (seconds)":
            r["sys"] = float(value)
    return r


def cpu_busy_seconds():
    """CPU seconds all processes of the machine have used since boot (/proc/stat), or None."""
    try:
        with open("/proc/stat") as fh:
            fields = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    busy = sum(fields[:8]) - idle  # user nice system idle iowait irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def timed(cmd, log, cwd=None):
    """Runs cmd under GNU time -v, its output appended to `log`. Returns wall, RSS, CPU, rc."""
    tfile = log + ".time"
    busy0 = cpu_busy_seconds()
    t0 = time.monotonic()
    with open(log, "a") as fh:
        fh.write("$ " + " ".join(cmd) + "\n")
        fh.flush()
        p = subprocess.run(["/usr/bin/time", "-v", "-o", tfile, *cmd], cwd=cwd, stdout=fh,
                           stderr=subprocess.STDOUT)
    mono = time.monotonic() - t0
    busy1 = cpu_busy_seconds()
    with open(tfile) as fh:
        report = fh.read()
    os.remove(tfile)
    with open(log, "a") as fh:
        fh.write(report)
    r = parse_time_v(report)
    cpu = r.get("user", 0.0) + r.get("sys", 0.0)
    # The rest of the machine's CPU time meanwhile: this is a shared 2-core VM.
    others = max(0.0, busy1 - busy0 - cpu) if busy0 is not None and busy1 is not None else 0.0
    # wall: our own clock (GNU time rounds to 0.01 s, too coarse for a warm souk build)
    return {"wall": mono, "time_wall": r.get("wall"), "rss_kb": r.get("rss_kb", 0),
            "cpu": cpu, "others": others, "rc": p.returncode}


def scan(out, images_only=False):
    """Files and bytes under `out` (only the photos when images_only), by extension."""
    files, size, by_ext = 0, 0, {}
    for root, _, names in os.walk(out):
        for n in names:
            ext = n.rsplit(".", 1)[-1].lower() if "." in n else ""
            if images_only and ext not in ("webp", "jpg", "jpeg", "avif"):
                continue
            files += 1
            size += os.lstat(os.path.join(root, n)).st_size
            by_ext[ext] = by_ext.get(ext, 0) + 1
    return files, size, by_ext


def tail(path, n=15):
    with open(path, errors="replace") as fh:
        return fh.read().splitlines()[-n:]


def run_souk(binary, site, out, cache, phase, log):
    rm(out)
    if phase == "cold":
        rm(cache)
    # leftovers of an interrupted build beside the output
    for left in glob.glob(os.path.join(os.path.dirname(out), f".{os.path.basename(out)}.souk-*")):
        rm(left)
    start = os.path.getsize(log) if os.path.exists(log) else 0
    r = timed([binary, "build", site, "--output", out, "--cache-dir", cache], log)
    with open(log, errors="replace") as fh:
        fh.seek(start)
        text = fh.read()
    lines = text.splitlines()
    r["summary"] = next((ln for ln in reversed(lines) if ln.startswith("built ")), None)
    r["warnings"] = [ln for ln in lines if ln.startswith("warning")]
    r["errors"] = [ln for ln in lines if ln.startswith("error")]
    r["files"], r["bytes"], r["by_ext"] = scan(os.path.join(out, "images"), images_only=True)
    r["all_files"], r["all_bytes"], _ = scan(out)
    r["pages"] = sum(1 for root, _, ns in os.walk(out) for n in ns if n.endswith(".html"))
    return r


def run_sharp(src, out, log, json_path):
    rm(out)
    os.makedirs(out)
    cmd = ["node", os.path.join(BENCH, "sharp-bench.js"), src, out,
           "--widths", ",".join(map(str, WIDTHS)), "--formats", ",".join(FORMATS),
           *[x for f in FORMATS for x in (f"--quality-{f}", str(QUALITY[f]))],
           "--json", json_path]
    rm(json_path)
    r = timed(cmd, log)
    try:
        with open(json_path) as fh:
            r["own"] = json.load(fh)
    except (OSError, ValueError):
        pass
    r["files"], r["bytes"], r["by_ext"] = scan(out)
    return r


def vips_commands(exe, src, out, sources):
    """One vipsthumbnail per width x format, over the sources that get that width."""
    cmds = []
    largest = max(WIDTHS)
    for w in WIDTHS:
        if w == largest:
            # every photo: down to 1440, or kept at its own width when narrower ('>' = only shrink)
            names, size = [n for n, _ in sources], f"{w}x>"
        else:
            names, size = [n for n, info in sources if info[0] > w], f"{w}x"
        if not names:
            continue
        for f in FORMATS:
            opts = f"Q={QUALITY[f]},strip" + (",interlace" if f == "jpeg" else "")
            cmds.append([exe, "-s", size, "-o", os.path.join(out, f"%s-{w}.{EXT[f]}[{opts}]"),
                         *[os.path.join(src, n) for n in names]])
    return cmds


def run_vips(exe, src, out, sources, log):
    rm(out)
    os.makedirs(out)
    total = {"wall": 0.0, "rss_kb": 0, "cpu": 0.0, "others": 0.0, "rc": 0, "invocations": 0}
    for cmd in vips_commands(exe, src, out, sources):
        r = timed(cmd, log)
        total["wall"] += r["wall"]
        total["cpu"] += r["cpu"]
        total["others"] += r["others"]
        total["rss_kb"] = max(total["rss_kb"], r["rss_kb"])
        total["invocations"] += 1
        if r["rc"] != 0:
            total["rc"] = r["rc"]
            break
    total["files"], total["bytes"], total["by_ext"] = scan(out)
    return total


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------

def busy_share(row):
    """The share of the machine's CPUs that other processes used while `row` ran."""
    return row.get("others", 0.0) / max(row["wall"] * (os.cpu_count() or 1), 1e-9)


def median_of(rows, key):
    ok = [r for r in rows if r["rc"] == 0]
    return statistics.median(r[key] for r in ok) if ok else None


def render(rows, labels, n_sources, expected):
    head = ("| tool | variant set | phase | sources | files | seconds | photos/s | peak RSS MB |\n"
            "|---|---|---|---:|---:|---:|---:|---:|\n")
    lines, notes = [], []
    for peer, phase in (("souk", "cold"), ("souk", "warm"), ("sharp", "cold"),
                        ("vipsthumbnail", "cold")):
        rs = [r for r in rows if r["peer"] == peer and r["phase"] == phase]
        if not rs:
            continue
        ok = [r for r in rs if r["rc"] == 0]
        if not ok:
            rcs = ", ".join(sorted({str(r["rc"]) for r in rs}))
            lines.append(f"| {labels[peer]} | {VARIANT_LABEL} | {phase} | {n_sources} | – | "
                         f"failed (rc {rcs}) | – | – |")
            continue
        wall = median_of(rs, "wall")
        rss = median_of(rs, "rss_kb") / 1024
        files = {r["files"] for r in ok}
        fcell = str(ok[-1]["files"]) + ("*" if len(files) > 1 else "")
        secs = f"{wall:.3f}" if wall < 1 else f"{wall:.2f}"
        if len(ok) < len(rs):
            secs += f" ({len(rs) - len(ok)}/{len(rs)} failed)"
        lines.append(f"| {labels[peer]} | {VARIANT_LABEL} | {phase} | {n_sources} | {fcell} | "
                     f"{secs} | {n_sources / wall:.1f} | {rss:.0f} |")
        cpu = median_of(rs, "cpu")
        mb = ok[-1]["bytes"] / 1e6
        exts = ", ".join(f"{n} .{e}" for e, n in sorted(ok[-1]["by_ext"].items()))
        others = statistics.median(busy_share(r) for r in ok)
        note = (f"{labels[peer]} {phase}: CPU {cpu:.1f} s = {cpu / wall:.2f} cores busy on "
                f"average (other processes meanwhile: {others:.0%} of the machine); photos "
                f"written {mb:.1f} MB ({exts})")
        if peer == "sharp":
            own = [r["own"]["images_per_s"] for r in ok if "own" in r]
            if own:
                note += (f"; by its own timer, without node's start-up: "
                         f"{statistics.median(own):.1f} photos/s")
        if peer == "vipsthumbnail":
            note += f"; {ok[-1]['invocations']} invocations, times summed, RSS the largest"
        if peer == "souk":
            if ok[-1].get("summary"):
                note += f"; souk said: `{ok[-1]['summary']}`"
            note += (f"; whole output {ok[-1]['all_files']} files, {ok[-1]['pages']} HTML pages, "
                     f"{ok[-1]['all_bytes'] / 1e6:.1f} MB")
        notes.append(note)
        if peer == "souk" and ok[-1].get("summary"):
            m = re.search(r"(\d+) photos \((\d+) processed\)", ok[-1]["summary"])
            want = n_sources if phase == "cold" else 0
            if m and (int(m.group(1)) != n_sources or int(m.group(2)) != want):
                notes.append(f"**souk {phase} reported {m.group(1)} photos, {m.group(2)} "
                             f"processed: {n_sources} and {want} expected**")
        if ok[-1]["files"] != expected:
            notes.append(f"**{labels[peer]} {phase} wrote {ok[-1]['files']} photo files, "
                         f"{expected} expected**")
    busiest = max(rows, key=busy_share, default=None)
    if busiest and busy_share(busiest) > 0.10:
        notes.insert(0, f"**The machine was not quiet: other processes used up to "
                        f"{busy_share(busiest):.0%} of its CPUs during a timed command "
                        f"({labels[busiest['peer']]} {busiest['phase']}, run "
                        f"{busiest['run'] + 1}); compare these rows with care, or run again.**")
    for r in rows:
        if r["peer"] == "souk" and (r.get("warnings") or r.get("errors")) and r["run"] == 0:
            shown = (r.get("errors") or [])[:5] + (r.get("warnings") or [])[:5]
            notes.append(f"souk {r['phase']} printed {len(r.get('errors') or [])} error(s), "
                         f"{len(r.get('warnings') or [])} warning(s): "
                         + "; ".join(f"`{x}`" for x in shown))
    return head + "\n".join(lines) + "\n", notes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("--copies", type=int, default=8,
                    help="byte-unique copies of each of the 25 photos (default 8: 200 sources)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each; medians are reported")
    ap.add_argument("--peers", default=",".join(PEERS),
                    help=f"comma-separated subset of {','.join(PEERS)} (default: all)")
    ap.add_argument("--souk", default=None,
                    help="a souk binary to time instead of building one with cargo")
    ap.add_argument("--out-root", default="/dev/shm/souk-images",
                    help="where the tools write their output (default tmpfs)")
    ap.add_argument("--results", default=os.path.join(BENCH, "images-results.md"),
                    help="markdown file to write (default bench/images-results.md)")
    ap.add_argument("--keep-output", action="store_true",
                    help="leave the last outputs in --out-root")
    a = ap.parse_args()
    peers = [p.strip() for p in a.peers.split(",") if p.strip()]
    bad = [p for p in peers if p not in PEERS]
    if bad or a.runs < 1 or a.copies < 1:
        ap.error(f"unknown peer {bad}" if bad else "--runs and --copies must be at least 1")

    shared = common.find_shared()
    photos = find_photos(shared)
    os.makedirs(os.path.join(WORK, "results"), exist_ok=True)
    os.makedirs(a.out_root, exist_ok=True)
    say(f"souk image bench: {a.copies} copies of {len(photos)} photos, {a.runs} run(s), peers "
        f"{','.join(peers)}, output under {a.out_root}")

    common.ensure_time()
    labels, tools, notes = {}, {}, []
    if "sharp" in peers:
        labels["sharp"] = common.ensure_sharp()
    if "vipsthumbnail" in peers:
        exe, version = ensure_vipsthumbnail()
        if exe:
            tools["vipsthumbnail"] = exe
            labels["vipsthumbnail"] = (f"vipsthumbnail, one run per width × format "
                                       f"(Debian libvips {version})")
        else:
            say(f"no vipsthumbnail: {version}")
            notes.append(f"vipsthumbnail left out: {version}")
            peers.remove("vipsthumbnail")
    if "souk" in peers:
        tools["souk"], rev = souk_binary(a)
        labels["souk"] = f"souk {rev}"

    src, site, sources = make_workload(photos, a.copies)
    n = len(sources)
    expected = sum(len(target_widths(info[0])) * len(FORMATS) for _, info in sources)
    odd = sorted({(name.rsplit("-c", 1)[0], info[0]) for name, info in sources
                  if info[0] <= max(WIDTHS)})
    say(f"{n} sources ({warm_page_cache(src) / 1e6:.0f} MB, read once to warm the page cache); "
        f"{expected} files expected from each tool"
        + (f"; narrower than {max(WIDTHS)} px: " + ", ".join(f"{s} ({w} px)" for s, w in odd)
           if odd else ""))

    stamp = time.strftime("%Y%m%d-%H%M%S")
    rdir = os.path.join(WORK, "results")
    tsv = os.path.join(rdir, f"images-{stamp}.tsv")
    rows = []
    cache = os.path.join(WORK, f"cache-{a.copies}")
    with step(f"time {n} sources, {a.runs} run(s)"):
        for r in range(a.runs):
            plan = []
            if "souk" in peers:
                plan += [("souk", "cold"), ("souk", "warm")]
            plan += [(p, "cold") for p in ("sharp", "vipsthumbnail") if p in peers]
            for peer, phase in plan:
                out = os.path.join(a.out_root, peer)
                log = os.path.join(rdir, f"log-{stamp}-{peer}-{phase}-{r}.txt")
                if peer == "souk":
                    row = run_souk(tools["souk"], site, out, cache, phase, log)
                elif peer == "sharp":
                    row = run_sharp(src, out, log, os.path.join(rdir, f"sharp-{stamp}-{r}.json"))
                else:
                    row = run_vips(tools["vipsthumbnail"], src, out, sources, log)
                row.update(peer=peer, phase=phase, run=r)
                rows.append(row)
                status = "ok" if row["rc"] == 0 else f"FAILED rc={row['rc']}"
                say(f"  run {r + 1}: {peer:13} {phase}: {row['wall']:.2f} s, "
                    f"{n / row['wall'] if row['wall'] else 0:.1f} photos/s, "
                    f"{row['rss_kb'] / 1024:.0f} MB, {row['files']} photo files, others "
                    f"{busy_share(row):.0%} of the CPUs [{status}]")
                if peer == "souk" and row.get("summary") and r == 0:
                    say(f"    souk: {row['summary']}")
                if row["rc"] != 0:
                    for line in tail(log):
                        say(f"    | {line}")
    if not a.keep_output:
        for p in PEERS:
            rm(os.path.join(a.out_root, p))

    with open(tsv, "w") as fh:
        cols = ["run", "peer", "phase", "wall", "time_wall", "rss_kb", "cpu", "others", "files",
                "bytes", "rc"]
        fh.write("\t".join(cols) + "\n")
        for row in rows:
            fh.write("\t".join(str(row.get(c, "")) for c in cols) + "\n")

    table, more = render(rows, labels, n, expected)
    notes = more + notes
    print()
    print(table)
    for note in notes:
        print(f"- {note}")
    cmdline = "python3 bench/images.py " + " ".join(sys.argv[1:])
    with open(a.results, "w", encoding="utf-8") as fh:
        fh.write(
            "# souk image benchmark results\n\n"
            f"`{cmdline.strip()}` on {time.strftime('%Y-%m-%d %H:%M %Z')}; "
            f"{common.machine_info()}.\n\n"
            f"{n} source photos ({a.copies} byte-unique copies of the {len(photos)} photos in "
            f"`shared/photos/`), each made into souk's default variants: widths "
            f"{', '.join(map(str, WIDTHS))} (never enlarged), WebP q{QUALITY['webp']} and JPEG "
            f"q{QUALITY['jpeg']}, no metadata, no social picture: {expected} files. Medians of "
            f"{a.runs} run(s); one command at a time; outputs on `{a.out_root}`"
            f"{' (tmpfs)' if a.out_root.startswith('/dev/shm') else ''}, sources and souk's "
            f"cache on disk. photos/s = sources / wall seconds of the whole command. souk cold: "
            f"empty cache; warm: cache kept, output removed. See bench/README.md (\"Image "
            f"benchmark\") for what each tool runs.\n\n")
        fh.write(table + "\n")
        if notes:
            fh.write("Notes:\n" + "".join(f"- {x}\n" for x in notes) + "\n")
        fh.write(f"Raw rows: `{os.path.relpath(tsv, REPO)}`, each command's output in the "
                 f"`log-{stamp}-*.txt` beside it.\n")
    say(f"wrote {os.path.relpath(a.results, os.getcwd())}")
    if any(r["rc"] != 0 for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
