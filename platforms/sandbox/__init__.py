"""Sandbox: a fake network for trying letmepost without accounts (adapter.py, rules.py)."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="sandbox",
    name="Sandbox",
    adapter="platforms.sandbox.adapter.SandboxAdapter",
    pin="v1",
    label="sandbox-v1",
    preflight=False,
    docs=False,
)
