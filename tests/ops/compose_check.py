"""Validate docker-compose.yml without a Docker engine: `python -m tests.ops.compose_check [file]`.

YAML merge keys (`<<: *app`) are resolved by PyYAML, as Compose does; the result is parsed by the
`compose-spec` package (the Rust compose_spec parser, strict: unknown keys and bad values fail).
Then the references the parser does not follow are checked: depends_on targets, named volumes,
and that every letmepost service runs one of bin/docker-entrypoint's roles.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from compose_spec import PyCompose

ROLES = {"web", "dispatcher", "worker", "beat", "migrate"}


def problems(path: Path) -> list[str]:
    raw = yaml.safe_load(path.read_text())
    try:
        spec: dict[str, Any] = PyCompose.from_json(json.dumps(raw)).to_dict()
    except ValueError as exc:
        return [f"not a valid compose file: {exc}"]
    found = []
    services: dict[str, Any] = spec.get("services") or {}
    volumes = set(spec.get("volumes") or {})
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        for other in depends if isinstance(depends, dict | list) else []:
            if other not in services:
                found.append(f"{name}: depends_on unknown service {other!r}")
        for mount in service.get("volumes") or []:
            source = (
                mount.split(":", 1)[0]
                if isinstance(mount, str)
                else mount.get("source")
            )
            if (
                source
                and not source.startswith((".", "/", "~"))
                and source not in volumes
            ):
                found.append(f"{name}: volume {source!r} is not declared")
        if service.get("image", "").startswith("letmepost"):
            command = service.get("command") or ["web"]
            if command[0] not in ROLES:
                found.append(f"{name}: command {command!r} is not an entrypoint role")
    return found


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "docker-compose.yml")
    found = problems(path)
    for problem in found:
        sys.stderr.write(f"{path}: {problem}\n")
    sys.stdout.write(f"{path}: {'invalid' if found else 'valid'}\n")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
