"""Preflight throughput: targets validated per second for a 25-target post with media.

Two series over the same post (25 targets across every platform, 23 of them with media):
shape rules only (what every create runs over the whole batch), and shape + deep rules where the
deep stage reads the stored files itself (type sniffed from the bytes, image size, MP4 index for
duration and frame size; no network). Both are printed next to the cost of one empty request
(`GET /health` through the whole middleware stack, in process), so the ratios say how many empty
requests one post's preflight is worth.

    .venv/bin/python -m bench.preflight [--rounds 200]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from bench.common import say

TARGETS = 25
PLATFORMS = (
    "bluesky",
    "twitter",
    "instagram",
    "threads",
    "facebook",
    "mastodon",
    "tiktok",
    "pinterest",
    "youtube",
    "linkedin",
)
TEXT = "Launch day! 🚀 Read more at example.com/launch — 日本語もあります #launch #news"


def write_media(folder: Path) -> dict[str, Path]:
    """A 1080x1350 PNG (~200 KB) and a 30 s 1080x1920 MP4 (~1 MB, index at the end)."""
    from tests.preflight import media_files

    image = folder / "photo.png"
    image.write_bytes(media_files.png(1080, 1350) + b"\x00" * 200_000)
    clip = folder / "clip.mp4"
    data = media_files.mp4(30, 1080, 1920, faststart=False)
    clip.write_bytes(
        data[:32] + b"\x00" * 1_000_000 + data[32:]
    )  # bigger mdat, moov last
    return {"image": image, "video": clip}


def build_post(files: dict[str, Path]) -> list[tuple[str, object]]:
    from platforms.base import Draft, MediaItem

    video_platforms = {"tiktok", "youtube"}
    drafts: list[tuple[str, object]] = []
    for i in range(TARGETS):
        platform = PLATFORMS[i % len(PLATFORMS)]
        kind = "video" if platform in video_platforms else "image"
        media: tuple[MediaItem, ...] = ()
        if platform != "linkedin" and not (platform == "facebook" and i % 2):
            count = 1 if kind == "video" or platform == "pinterest" else 2
            media = tuple(
                MediaItem(
                    kind=kind,
                    media_id=f"{kind}-{i}-{n}",
                    alt_text="A photo of the launch",
                )
                for n in range(count)
            )
        options: dict[str, object] = {
            "tiktok": {"privacy": "self_only"},
            "pinterest": {"board_id": "123", "title": "Launch"},
            "youtube": {
                "title": "Launch day",
                "tags": ["launch", "news"],
                "privacy": "public",
            },
        }.get(platform, {})
        drafts.append(
            (
                platform,
                Draft(
                    text=TEXT,
                    idempotency_token=f"bench-{i}",
                    media=media,
                    options=options,
                ),
            )
        )
    return drafts


def timed(rounds: int, work: Callable[[], object]) -> float:
    """Seconds per call of `work`, best of three batches of `rounds`."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(rounds):
            work()
        best = min(best, (time.perf_counter() - started) / rounds)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rounds", type=int, default=200, help="posts per measured batch"
    )
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="letmepost-bench-preflight-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="letmepost.settings",
        LETMEPOST_DATA_DIR=str(data_dir),
        LETMEPOST_RATE_LIMIT="10000000",
        LETMEPOST_LOG_LEVEL="warning",
    )
    import django

    django.setup()
    from django.test import Client

    from platforms.base import MediaItem
    from platforms.preflight import catalog

    files = write_media(data_dir)
    post = build_post(files)

    def open_media(item: MediaItem) -> BinaryIO | None:
        return files[item.kind].open("rb")

    def shape() -> None:
        for platform, draft in post:
            catalog.shape_preflight(platform, draft)  # type: ignore[arg-type]

    def deep() -> None:
        for platform, draft in post:
            catalog.shape_preflight(platform, draft)  # type: ignore[arg-type]
            catalog.deep_preflight(platform, draft, open_media=open_media)  # type: ignore[arg-type]

    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host in embedded mode
    assert client.get("/health").status_code == 200

    def empty_request() -> None:
        client.get("/health")

    shape_s = timed(args.rounds, shape)
    deep_s = timed(max(1, args.rounds // 4), deep)
    empty_s = timed(args.rounds * 4, empty_request)
    rules = len(catalog.checked_rules())
    media = sum(len(d.media) for _, d in post)  # type: ignore[attr-defined]

    say(
        f"preflight bench: {TARGETS} targets on {len(PLATFORMS)} platforms, {media} media items, {rules} checks in the catalog"
    )
    say(f"empty request (GET /health, in process): {empty_s * 1e6:9.1f} µs")
    for name, seconds in (
        ("shape only", shape_s),
        ("shape + deep (local files)", deep_s),
    ):
        say(
            f"{name:28s} {TARGETS / seconds:10,.0f} targets/s   "
            f"{seconds * 1e3:7.2f} ms per 25-target post   "
            f"= {seconds / empty_s:6.1f} empty requests"
        )
    say(f"deep / shape: {deep_s / shape_s:.1f}x")


if __name__ == "__main__":
    main()
