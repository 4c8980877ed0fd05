"""The serving entry points freeze their start-up heap, so full GC passes stay short."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("module", ["letmepost.wsgi", "letmepost.asgi"])
def test_importing_an_entry_point_freezes_what_start_up_created(
    module: str, tmp_path: Path
) -> None:
    script = f"import gc, {module}; print(gc.get_freeze_count(), len(gc.get_objects()))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETMEPOST_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        env={
            **env,
            "LETMEPOST_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "letmepost.settings",
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    frozen, still_tracked = map(int, out.stdout.split()[-2:])
    assert frozen > 50_000  # Django, DRF and our modules
    assert still_tracked < frozen / 10  # a full pass walks only what came after
