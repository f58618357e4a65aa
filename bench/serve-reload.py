#!/usr/bin/env python3
"""How long a volunteer waits between saving a file and seeing it in the browser.

    python3 bench/serve-reload.py [--site example-site] [--edits 10] [--souk target/release/souk]

Copies the site to a temporary folder, starts `souk serve` on it (release build; built first
when missing), waits for the first build, then edits one product's price again and again the
way an editor saves (a new file renamed over the old one). For each save it measures, as an
open page sees it: the time until the server announces the new build on its reload stream,
and until the page, fetched again, shows the new price. Prints the median and the worst of
both, and the rebuild times `souk serve` printed. Python standard library only.
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", default=os.path.join(REPO, "example-site"))
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--souk", default=os.path.join(REPO, "target", "release", "souk"))
    args = parser.parse_args()
    if not os.path.exists(args.souk):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)

    work = tempfile.mkdtemp(prefix="souk-reload-")
    site = os.path.join(work, "site")
    shutil.copytree(args.site, site, ignore=shutil.ignore_patterns("public", ".souk-cache"))
    product = pick_product(site)
    server = subprocess.Popen(
        [args.souk, "serve", site, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    ready = threading.Event()
    address = {}

    def read_output():
        for line in server.stdout:
            lines.append(line.rstrip("\n"))
            match = re.search(r"serving the shop at http://([\d.]+):(\d+)(/\S*)", line)
            if match:
                address.update(host=match[1], port=int(match[2]), base=match[3])
                ready.set()

    threading.Thread(target=read_output, daemon=True).start()
    try:
        if not ready.wait(600):
            sys.exit("souk serve did not start:\n" + "\n".join(lines))
        events = open_events(address)
        first = next_generation(events)
        path = address["base"] + "products/" + slug_of(os.path.dirname(product)) + "/"
        announced, shown = [], []
        for n in range(args.edits):
            price = f"{100 + n}.50"
            started = time.monotonic()
            save(product, price)
            generation = next_generation(events)
            announced.append(time.monotonic() - started)
            page = get(address, path)
            shown.append(time.monotonic() - started)
            if generation != first + n + 1 or f"{100 + n},50" not in page:
                sys.exit(f"edit {n}: generation {generation}, page without the new price")
        rebuilds = [float(m[1]) for m in (re.search(r" in ([\d.]+) s$", l) for l in lines) if m]
        print(f"site: {args.site}, {args.edits} price edits of {os.path.relpath(product, site)}")
        print(f"| | median s | worst s |\n|---|---|---|")
        print(f"| save → reload announced | {statistics.median(announced):.3f} | {max(announced):.3f} |")
        print(f"| save → page shows the new price | {statistics.median(shown):.3f} | {max(shown):.3f} |")
        print(f"| rebuild as `souk serve` printed it | {statistics.median(rebuilds[1:]):.3f} | {max(rebuilds[1:]):.3f} |")
    finally:
        server.kill()
        shutil.rmtree(work, ignore_errors=True)


def pick_product(site):
    """The first product whose product.yaml has a plain `price:` line."""
    products = os.path.join(site, "products")
    for name in sorted(os.listdir(products)):
        path = os.path.join(products, name, "product.yaml")
        with open(path, encoding="utf-8") as f:
            if re.search(r'^price: "[\d.]+"', f.read(), re.M):
                return path
    sys.exit("no product with a top-level price")


def slug_of(folder):
    """The French page's slug (the site's first language), else the folder's name."""
    with open(os.path.join(folder, "fr.md"), encoding="utf-8") as f:
        match = re.search(r"^slug:\s*(\S+)", f.read(), re.M)
    return match[1] if match else os.path.basename(folder)


def save(path, price):
    """Saves as editors do: a new file, renamed over the old one."""
    with open(path, encoding="utf-8") as f:
        text = re.sub(r'^price: "[\d.]+"', f'price: "{price}"', f.read(), count=1, flags=re.M)
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, path)


def open_events(address):
    sock = socket.create_connection((address["host"], address["port"]))
    sock.sendall(
        f"GET {address['base']}__souk/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    )
    return sock.makefile("r", encoding="utf-8")


def next_generation(events):
    for line in events:
        if line.startswith("data: "):
            return int(line[6:])
    sys.exit("the reload stream ended")


def get(address, path):
    with socket.create_connection((address["host"], address["port"])) as sock:
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


if __name__ == "__main__":
    main()
