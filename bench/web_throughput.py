"""Issue #22 goals 1-2 with wrk: accepted posts, the 400 path and a one-INSERT floor, per server role.

Starts a web role on a free port, bootstraps a key and a sandbox account, then runs
`wrk -t1 -c8 -d15s` (by default) three times against it, alternating for `--rounds`:

* posts: `POST /v1/posts`, one sandbox target scheduled a day ahead, a fresh Idempotency-Key
  per request (nothing publishes during the run);
* 400: `POST /v1/posts` with no targets (validation_failed);
* floor: `POST /v1/profiles`, the same stack (auth, rate limit, idempotency) around one INSERT.

Prints req/s, p50/p99 latency, non-expected answers, the summed and largest RSS of the server's
processes, and each series' ratio to the floor from the same run.

Roles: `prod` runs the Procfile's `web` line (needs DATABASE_URL=postgres://… and REDIS_URL);
`embedded` runs `manage.py serve` on a fresh SQLite data dir (`make run`); `asgi` runs
`serve --no-runner` against DATABASE_URL (the previous production web role, for comparison).
The rate limit is raised out of the way; `wrk` comes from Debian (`apt-get install wrk`).

    .venv/bin/python -m bench.web_throughput --role prod [--duration 15] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import (
    COMMAND_TIMEOUT,
    REPO,
    Client,
    bench_env,
    bootstrap_key,
    free_port,
    iso_z,
    running,
    say,
)

TEST_KEYS = {
    "LETMEPOST_SECRET_KEY": "bench-secret-key-" + "x" * 40,
    "LETMEPOST_ENCRYPTION_KEYS": "3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
}

# One Lua state per wrk thread: a counter and a random prefix make every key and name unique.
WRK_SCRIPT = """
local counter, prefix = 0, tostring(math.random(1e9)) .. "-" .. tostring(os.time())
local path, body, expected = os.getenv("LMP_PATH"), os.getenv("LMP_BODY"), tonumber(os.getenv("LMP_STATUS"))
unexpected = 0  -- global: done() reads it through thread:get
request = function()
  counter = counter + 1
  local key = prefix .. "-" .. counter
  local headers = {
    ["Authorization"] = "Bearer " .. os.getenv("LMP_KEY"),
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = key,
  }
  return wrk.format("POST", path, headers, (body:gsub("@N@", key)))
end
response = function(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
    if unexpected <= 3 then io.stderr:write("unexpected " .. status .. ": " .. body:sub(1, 200) .. "\\n") end
  end
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("unexpected") or 0) end
  io.write(string.format('WRK {"requests": %d, "seconds": %f, "p50": %f, "p99": %f, "errors": %d, "unexpected": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, bad))
end
"""


def procfile_web() -> list[str]:
    """The production web command, exactly as the Procfile runs it."""
    for line in (REPO / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return shlex.split(line.removeprefix("web:"))
    raise SystemExit("no web: line in the Procfile")


def _tree(root: int) -> list[int]:
    """`root` and every descendant (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo += children.get(pid, [])
    return pids


def tree_rss(root: int) -> list[int]:
    """RSS in bytes of each process of the tree."""
    sizes = []
    for pid in _tree(root):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) * 1024)
        except OSError:
            continue
    return sizes


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) the tree's live processes have used so far."""
    ticks = 0
    for pid in _tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds all processes of the machine have used so far (user, system, irq, softirq)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(f) for f in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def database_cpu() -> float:
    """CPU seconds PostgreSQL's processes have used so far (0 on SQLite: it runs in the server)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text.split("(", 1)[1].rsplit(")", 1)
        if name.startswith("postgres"):
            fields = rest.split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def web_role(
    role: str, workdir: Path, command: list[str] | None = None
) -> Iterator[tuple[int, int, dict[str, str]]]:
    """Start the role on a free port; yield (port, pid, env). Stops it with SIGTERM."""
    production = role in ("prod", "asgi")
    if production:
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            raise SystemExit(
                f"--role {role} needs DATABASE_URL=postgres://… and REDIS_URL"
            )
        env = bench_env(workdir)
        env.update(DATABASE_URL=url, REDIS_URL=os.environ.get("REDIS_URL", ""))
        for name, value in TEST_KEYS.items():
            env[name] = os.environ.get(name, value)
    else:
        env = bench_env(workdir)
    port = free_port()
    env.update(
        LETMEPOST_PORT=str(port), PATH=f"{Path(sys.executable).parent}:{env['PATH']}"
    )
    if role == "prod":
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=REPO,
            env=env,
            check=True,
            timeout=COMMAND_TIMEOUT,
        )
        command = command or procfile_web()
    elif role == "asgi":
        command = [sys.executable, "manage.py", "serve", "--no-runner"]
    else:
        command = [sys.executable, "manage.py", "serve"]
    say(f"role {role}: {' '.join(command)}")
    with running(command, env=env, port=port, log_path=workdir / "web.log") as process:
        yield port, process.pid, env


def bootstrap(port: int, env: dict[str, str]) -> tuple[str, str]:
    key = bootstrap_key(env)
    status, body = Client(port, key).request(
        "POST", "/v1/accounts/connect/sandbox/complete", {"handle": f"wrk-{port}"}
    )
    assert status in (200, 201), body
    return key, body["id"]


def wrk(
    port: int,
    key: str,
    script: Path,
    *,
    path: str,
    body: str,
    status: int,
    threads: int,
    connections: int,
    duration: int,
) -> dict[str, float]:
    env = {
        **os.environ,
        "LMP_KEY": key,
        "LMP_PATH": path,
        "LMP_BODY": body,
        "LMP_STATUS": str(status),
    }
    out = subprocess.run(  # noqa: S603 - wrk with fixed arguments
        [
            shutil.which("wrk") or "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    )
    if out.stderr.strip():
        say(
            f"  {path} ({status} expected): " + out.stderr.strip().replace("\n", "\n  ")
        )
    match = re.search(r"^WRK (\{.*\})$", out.stdout, re.MULTILINE)
    if not match:
        raise SystemExit(f"wrk printed no summary:\n{out.stdout}")
    result = json.loads(match.group(1))
    result["rate"] = result["requests"] / result["seconds"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", choices=("prod", "embedded", "asgi"), default="prod")
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument(
        "--web-command",
        help="with --role prod: run this instead of the Procfile's web line, to compare "
        "server models (it must bind $LETMEPOST_HOST:$LETMEPOST_PORT)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="letmepost-wrk-"))
    script = workdir / "post.lua"
    script.write_text(WRK_SCRIPT)
    failed = False
    try:
        command = shlex.split(args.web_command) if args.web_command else None
        with web_role(args.role, workdir, command) as (port, pid, env):
            key, account = bootstrap(port, env)
            later = iso_z(datetime.now(UTC) + timedelta(days=1))
            series = {
                "posts": (
                    "/v1/posts",
                    json.dumps(
                        {
                            "targets": [
                                {
                                    "accountId": account,
                                    "options": {"platform": "sandbox"},
                                }
                            ],
                            "text": "wrk post @N@",
                            "scheduledAt": later,
                        }
                    ),
                    202,
                ),
                "400": ("/v1/posts", json.dumps({"targets": [], "text": "@N@"}), 400),
                "floor": ("/v1/profiles", json.dumps({"name": "floor @N@"}), 201),
            }
            runs: dict[str, list[dict[str, float]]] = {name: [] for name in series}
            rss: list[int] = []
            for path, body, status in series.values():  # warm every worker up
                wrk(
                    port,
                    key,
                    script,
                    path=path,
                    body=body,
                    status=status,
                    threads=1,
                    connections=args.connections,
                    duration=2,
                )
            for _ in range(args.rounds):
                for name, (path, body, status) in series.items():
                    cpu, db, busy = tree_cpu(pid), database_cpu(), machine_busy()
                    runs[name].append(
                        wrk(
                            port,
                            key,
                            script,
                            path=path,
                            body=body,
                            status=status,
                            threads=args.threads,
                            connections=args.connections,
                            duration=args.duration,
                        )
                    )
                    last = runs[name][-1]
                    done = max(1, last["requests"])
                    last["cpu_ms"] = (tree_cpu(pid) - cpu) * 1000 / done
                    last["db_ms"] = (database_cpu() - db) * 1000 / done
                    last["busy_ms"] = (machine_busy() - busy) * 1000 / done
                    sizes = tree_rss(pid)
                    rss.append(sum(sizes))
                    biggest = max(sizes)
            report(args, runs, max(rss), biggest)
        failed = any(r["unexpected"] for results in runs.values() for r in results)
    finally:
        if failed:
            say(f"unexpected answers: server log kept in {workdir / 'web.log'}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def report(
    args: argparse.Namespace,
    runs: dict[str, list[dict[str, float]]],
    total_rss: int,
    biggest_rss: int,
) -> None:
    say(
        f"\nrole {args.role}: wrk -t{args.threads} -c{args.connections} -d{args.duration}s, "
        f"{args.rounds} rounds, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
    )
    say(
        f"{'series':<8}{'req/s (each round)':>22}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'x floor':>9}{'CPU ms/req: server':>19}{'database':>9}{'machine':>9}"
    )
    floor = sum(r["rate"] for r in runs["floor"]) / len(runs["floor"])
    for name, results in runs.items():
        rates = " / ".join(f"{r['rate']:.0f}" for r in results)
        mean = sum(r["rate"] for r in results) / len(results)
        cpu, db, busy = (
            sum(r[k] for r in results) / len(results)
            for k in ("cpu_ms", "db_ms", "busy_ms")
        )
        say(
            f"{name:<8}{rates:>22}{max(r['p50'] for r in results):>9.1f}"
            f"{max(r['p99'] for r in results):>9.1f}"
            f"{sum(r['errors'] + r['unexpected'] for r in results):>8.0f}{mean / floor:>9.2f}"
            f"{cpu:>19.2f}{db:>9.2f}{busy:>9.2f}"
        )
    say(
        f"RSS under load: {total_rss / 2**20:.0f} MiB all processes, "
        f"{biggest_rss / 2**20:.0f} MiB the largest"
    )


if __name__ == "__main__":
    main()
