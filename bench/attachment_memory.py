"""Peak memory of reading a video attachment for a chunked upload: whole vs streamed.

A ~200 MB video is served over loopback by a server that generates it block by block (so the
bytes never sit in this process), and read the way a chunked uploader reads it, 4 MiB at a time:

* `read_attachment`: the whole file as one `bytes`, then sliced (how X, LinkedIn, TikTok,
  YouTube and Pinterest uploaded before);
* `open_attachment`: downloaded once to a temporary file, then read one chunk at a time.

Each path runs in its own forked child, so one run measures both: the child's peak RSS growth
(`ru_maxrss` over its RSS at start) and tracemalloc's peak of Python allocations. Both paths hash
what they read, to show they delivered the same bytes.

    .venv/bin/python -m bench.attachment_memory [--mb 200]
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import resource
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path

from bench.common import say

CHUNK = 4 * 1024 * 1024  # X's APPEND size
BLOCK = os.urandom(1024 * 1024)
MIB = 1024 * 1024


def serve(size: int) -> ThreadingHTTPServer:
    """A loopback server answering any GET with `size` bytes of fake MP4, generated as sent."""

    class Video(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "video/mp4")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            left = size
            while left:
                piece = BLOCK[: min(left, len(BLOCK))]
                self.wfile.write(piece)
                left -= len(piece)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Video)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def rss_now() -> int:
    """This process's resident set size in bytes (Linux), else its peak so far."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return peak_rss()


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def whole(url: str, cap: int) -> str:
    from platforms.attachments import read_attachment
    from platforms.base import MediaItem

    digest = hashlib.sha256()
    file = read_attachment(
        MediaItem(kind="video", url=url), platform="twitter", max_bytes=cap
    )
    for offset in range(0, len(file.data), CHUNK):
        digest.update(file.data[offset : offset + CHUNK])
    return digest.hexdigest()


def streamed(url: str, cap: int) -> str:
    from platforms.attachments import open_attachment
    from platforms.base import MediaItem

    digest = hashlib.sha256()
    with open_attachment(
        MediaItem(kind="video", url=url), platform="twitter", max_bytes=cap
    ) as stream:
        for chunk in stream.chunks(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def measure(
    path: Callable[[str, int], str], url: str, cap: int, out: Connection
) -> None:
    """In the child: run one path, send back (rss growth, tracemalloc peak, seconds, digest)."""
    start = rss_now()
    tracemalloc.start()
    began = time.perf_counter()
    digest = path(url, cap)
    seconds = time.perf_counter() - began
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out.send((peak_rss() - start, traced, seconds, digest))
    out.close()


def run(
    path: Callable[[str, int], str], url: str, cap: int
) -> tuple[int, int, float, str]:
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=measure, args=(path, url, cap, send))
    child.start()
    result = receive.recv()
    child.join(timeout=60)
    if child.exitcode != 0:
        raise SystemExit(f"{path.__name__} failed (exit {child.exitcode})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="video size in MiB")
    args = parser.parse_args()
    size = args.mb * MIB + 12_345  # not a whole number of chunks

    data_dir = Path(tempfile.mkdtemp(prefix="letmepost-bench-attachments-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="letmepost.settings",
        LETMEPOST_DATA_DIR=str(data_dir),
        LETMEPOST_ALLOW_PRIVATE_URLS="true",  # the video is served on 127.0.0.1
        LETMEPOST_LOG_LEVEL="warning",
    )
    import django

    django.setup()
    import platforms.attachments  # noqa: F401  # imported before forking: not in either peak

    server = serve(size)
    url = f"http://127.0.0.1:{server.server_port}/video.mp4"
    cap = 512_000_000
    say(
        f"video: {size / MIB:.1f} MiB, read in {CHUNK // MIB} MiB chunks, pid {os.getpid()}"
    )
    results = {
        name: run(path, url, cap)
        for name, path in (("whole", whole), ("streamed", streamed))
    }
    server.shutdown()
    for name, (rss, traced, seconds, digest) in results.items():
        say(
            f"{name:>9}: peak RSS +{rss / MIB:7.1f} MiB  tracemalloc peak {traced / MIB:7.1f} MiB"
            f"  {seconds:5.2f} s  sha256 {digest[:12]}"
        )
    assert results["whole"][3] == results["streamed"][3], (
        "the two paths read different bytes"
    )
    whole_rss, streamed_rss = results["whole"][0], max(results["streamed"][0], 1)
    whole_traced, streamed_traced = results["whole"][1], max(results["streamed"][1], 1)
    say(
        f"ratio whole/streamed: peak RSS {whole_rss / streamed_rss:.1f}x, "
        f"tracemalloc {whole_traced / streamed_traced:.1f}x"
    )


if __name__ == "__main__":
    main()
