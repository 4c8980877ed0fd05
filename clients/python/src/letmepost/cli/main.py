"""`letmepost`: publish, schedule and inspect posts from a terminal (Typer + Rich over the SDK).

Exit codes: 0 success; 1 an error (the API's envelope is printed); 2 the request worked but the
content did not pass (`validate` found violations, or a `post` target failed or was rejected).

Also installed as `lmp`, and it takes the commands and flags of letmepost.dev's `lmp` CLI
(`post --to a,b --schedule …`, `profiles use`, `accounts disconnect`, `-v`), so scripts written
for it run unchanged.
"""

import functools
import re
import webbrowser
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TransferSpeedColumn,
)

from letmepost._bodies import is_uuid
from letmepost._version import __version__
from letmepost.cli import config
from letmepost.cli.oauth_login import (
    LoginFailed,
    LoginResult,
    OAuthUnavailable,
    RegisteredClient,
    browser_login,
)
from letmepost.cli.render import emit_json, err, error, out, table, target_line
from letmepost.cli.slots import parse_slot, slot_label
from letmepost.client import Letmepost, mask_key
from letmepost.errors import LetmepostError
from letmepost.types import Media

EXIT_OK, EXIT_ERROR, EXIT_INVALID = 0, 1, 2

app = typer.Typer(
    name="letmepost",
    help="Publish to social platforms through a letmepost server.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
accounts_app = typer.Typer(help="Connected social accounts.", no_args_is_help=True)
posts_app = typer.Typer(
    help="The post log: list, inspect, cancel, reschedule, retry.", no_args_is_help=True
)
webhooks_app = typer.Typer(help="Webhook endpoints.", no_args_is_help=True)
profiles_app = typer.Typer(
    help="Profiles, and the one commands use by default.", no_args_is_help=True
)
app.add_typer(accounts_app, name="accounts")
app.add_typer(profiles_app, name="profiles")
app.add_typer(posts_app, name="posts")
app.add_typer(webhooks_app, name="webhooks")
queue_app = typer.Typer(
    help="A profile's posting queue: its weekly slots and what fills them.",
    no_args_is_help=True,
)
app.add_typer(queue_app, name="queue")

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print the API's JSON (for scripts).")
]
ProfileOpt = Annotated[
    str | None,
    typer.Option(
        "--profile", help="Profile id (default: the one `profiles use` chose)."
    ),
]
F = TypeVar("F", bound=Callable[..., Any])


class _State:
    api_key: str | None = None
    base_url: str | None = None


state = _State()


def _print_version(value: bool) -> None:
    """`-v`: answered while parsing, before Typer insists on a command."""
    if value:
        out.print(f"letmepost {__version__} ({escape(config.resolve().base_url)})")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    api_key: Annotated[
        str | None, typer.Option("--api-key", help="Overrides env and the stored key.")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Overrides env and the stored URL.")
    ] = None,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-v",
            is_eager=True,
            callback=_print_version,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    state.api_key = api_key
    state.base_url = base_url


def handles_errors(func: F) -> F:
    """An API error becomes its envelope on the terminal and exit code 1, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LetmepostError as exc:
            error(exc, as_json=bool(kwargs.get("json_out")))
            raise typer.Exit(EXIT_ERROR) from None
        except config.ConfigError as exc:
            fail(str(exc), as_json=bool(kwargs.get("json_out")))

    return wrapper  # type: ignore[return-value]


def fail(message: str, *, as_json: bool) -> NoReturn:
    if as_json:
        emit_json({"error": {"code": "cli_error", "message": message}})
    else:
        err.print(f"[bold red]Error[/]: {escape(message)}")
    raise typer.Exit(EXIT_ERROR)


def client(*, as_json: bool) -> Letmepost:
    settings = config.resolve(api_key=state.api_key, base_url=state.base_url)
    if not settings.api_key:
        fail(
            "No API key: run `letmepost login`, or set LETMEPOST_API_KEY (or LMP_API_KEY).",
            as_json=as_json,
        )
    return Letmepost(api_key=settings.api_key, base_url=settings.base_url)


def split_commas(values: list[str] | None) -> list[str]:
    """`--to a,b --to c` → [a, b, c]: the reference CLI takes comma lists, ours repeats flags."""
    return [
        part.strip()
        for value in values or []
        for part in value.split(",")
        if part.strip()
    ]


def media_paths(values: list[str] | None, *, as_json: bool) -> list[Path]:
    paths = [Path(value) for value in split_commas(values)]
    for path in paths:
        if not path.is_file():
            fail(f"Media file not found: {path}", as_json=as_json)
    return paths


def profile_or_stored(given: str | None) -> str | None:
    return given or config.stored_profile()


def check_in_profile(
    found: Any, profile: str | None, what: str, *, as_json: bool
) -> None:
    """`--profile` (or the stored profile) narrows a lookup by id, as the reference CLI's does."""
    if profile and found.get("profileId") != profile:
        fail(f"No {what} {found.get('id')} in profile {profile}.", as_json=as_json)


RELATIVE = re.compile(r"^\+(\d+)([smhd])$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


NEXT_SLOT = "next_slot"


def parse_when(value: str) -> str:
    """`+30m`/`+2h`/`+1d`, or ISO-8601 (a time without offset is local time); answers UTC Z.
    `next_slot` passes through: the server picks the profile queue's next free slot."""
    if value.strip() == NEXT_SLOT:
        return NEXT_SLOT
    now = datetime.now(timezone.utc)
    if match := RELATIVE.match(value.strip()):
        when = now + timedelta(**{UNITS[match[2]]: int(match[1])})
    else:
        try:
            when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise typer.BadParameter(
                f"{value!r} is not a time: use ISO-8601 (2026-06-01T09:00:00Z) or +30m, +2h, +1d."
            ) from None
        if when.tzinfo is None:
            when = when.astimezone()  # the user's local zone
    utc = when.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def resolve_targets(
    lmp: Letmepost,
    values: list[str],
    *,
    as_json: bool,
    profile_id: str | None = None,
) -> list[str]:
    """Account ids as given; a platform slug means every account on that platform."""
    ids: list[str] = []
    accounts = None
    for value in values:
        if is_uuid(value):
            ids.append(value)
            continue
        if accounts is None:
            accounts = lmp.accounts.list(profile_id=profile_id)
        matching = [a["id"] for a in accounts if a.get("platform") == value]
        if not matching:
            fail(
                f"No connected {value} account: connect one with `letmepost accounts connect {value}`.",
                as_json=as_json,
            )
        ids.extend(matching)
    return list(dict.fromkeys(ids))


def upload_all(
    lmp: Letmepost,
    paths: list[Path],
    *,
    as_json: bool,
    key: str | None = None,
    profile_id: str | None = None,
) -> list[Media]:
    """Upload with a progress bar; under a command's idempotency key each upload gets its own
    derived key, so re-running the command replays the uploads too."""
    uploaded: list[Media] = []
    if not paths:
        return uploaded
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=err,
        disable=as_json,
        transient=False,
    ) as progress:
        for index, path in enumerate(paths):
            task = progress.add_task(f"upload {path.name}", total=path.stat().st_size)

            def report(sent: int, total: int, task: Any = task) -> None:
                progress.update(task, completed=sent, total=total)

            upload_key = f"{key}:media:{index}" if key else None
            uploaded.append(
                lmp.media.upload(
                    path,
                    progress=report,
                    idempotency_key=upload_key,
                    profile_id=profile_id,
                )
            )
    return uploaded


@app.command()
@handles_errors
def login(
    api_key: Annotated[
        str | None, typer.Option("--api-key", help="Prompted for (hidden) if absent.")
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Your server, e.g. https://lmp.example.com"),
    ] = None,
    no_browser: Annotated[
        bool,
        typer.Option(
            "--no-browser", help="Print the sign-in URL instead of opening it."
        ),
    ] = False,
    paste_key: Annotated[
        bool, typer.Option("--paste-key", help="Skip the browser: paste an API key.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Sign in through the browser (OAuth) or with an API key, and store the key for later.

    Without --api-key, the browser opens at your server's consent page; the CLI keeps the API
    key it is given there. A server without OAuth sign-in asks you to paste a key instead.
    """
    current = config.resolve(base_url=base_url or state.base_url)
    url = current.base_url
    if base_url is None and state.base_url is None and not json_out:
        url = typer.prompt("Server URL", default=url)
    signed_in = None
    key = api_key or state.api_key
    if not key and not paste_key:
        signed_in = sign_in_with_browser(url, no_browser=no_browser, as_json=json_out)
        key = signed_in.api_key if signed_in else None
    key = key or typer.prompt("API key (lmp_live_… or lmp_test_…)", hide_input=True)
    with Letmepost(api_key=key, base_url=url) as lmp:
        accounts = lmp.accounts.list()
    path = config.save(api_key=key, base_url=url.rstrip("/"))
    if signed_in:  # reused on the next login while the server still knows it
        config.remember(
            clientId=signed_in.client.client_id,
            clientRegistrationToken=signed_in.client.registration_token,
        )
    if json_out:
        emit_json(
            {
                "baseUrl": url.rstrip("/"),
                "key": mask_key(key),
                "configPath": str(path),
                "accounts": len(accounts),
            }
        )
        return
    out.print(
        f"Logged in to {escape(url)} as {escape(mask_key(key))} ({len(accounts)} accounts)."
    )
    out.print(f"Stored in {escape(str(path))}.")


def sign_in_with_browser(
    url: str, *, no_browser: bool, as_json: bool
) -> LoginResult | None:
    """The browser sign-in, or None when the server has none (a key is pasted instead)."""
    stored = config.load()
    cached = None
    if stored.get("clientId") and stored.get("baseUrl") == url.rstrip("/"):
        cached = RegisteredClient(
            stored["clientId"], stored.get("clientRegistrationToken", "")
        )

    def show(link: str) -> None:
        err.print(f"Sign in and allow the CLI in your browser:\n{escape(link)}")
        if not no_browser:
            webbrowser.open(link)

    try:
        return browser_login(url, open_url=show, client=cached)
    except OAuthUnavailable:
        err.print("This server has no browser sign-in: paste an API key instead.")
        return None
    except LoginFailed as exc:
        fail(str(exc), as_json=as_json)


@app.command()
@handles_errors
def logout(json_out: JsonOpt = False) -> None:
    """Forget the stored key (env variables are not touched)."""
    removed = config.forget()
    if json_out:
        emit_json({"loggedOut": removed, "configPath": str(config.config_path())})
    else:
        out.print("Logged out." if removed else "Nothing stored.")


@app.command()
@handles_errors
def whoami(json_out: JsonOpt = False) -> None:
    """The server, the key in use (masked) and where it came from, and what it can see."""
    settings = config.resolve(api_key=state.api_key, base_url=state.base_url)
    with client(as_json=json_out) as lmp:
        info: dict[str, Any] = dict(lmp.whoami())
    info["keySource"] = settings.key_source
    info["profileId"] = config.stored_profile()
    if json_out:
        emit_json(info)
        return
    mode = "live" if info["livemode"] else "test (sandbox)"
    out.print(f"server    {escape(info['baseUrl'])}")
    out.print(f"key       {escape(info['key'])} from {settings.key_source}, {mode}")
    if info.get("keyName"):
        out.print(f"key name  {escape(str(info['keyName']))}")
    out.print(
        f"profiles  {', '.join(escape(p.get('name', '')) for p in info.get('profiles', []))}"
    )
    out.print(f"accounts  {info['accounts']}")
    out.print(f"using     {info['profileId'] or 'none — using key default'}")


@accounts_app.command("list")
@handles_errors
def accounts_list(
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    profile: ProfileOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Connected accounts."""
    with client(as_json=json_out) as lmp:
        rows = lmp.accounts.list(
            profile_id=profile_or_stored(profile), platform=platform
        )
    if json_out:
        emit_json({"data": rows})
        return
    table(
        ["ID", "PLATFORM", "NAME", "STATUS", "TOKEN EXPIRES"],
        [
            (
                a.get("id"),
                a.get("platform"),
                a.get("displayName"),
                a.get("status"),
                a.get("tokenExpiresAt") or "-",
            )
            for a in rows
        ],
    )


@accounts_app.command("connect")
@handles_errors
def accounts_connect(
    platform: Annotated[
        str, typer.Argument(help="bluesky, mastodon, linkedin, sandbox, …")
    ],
    profile: Annotated[
        str | None, typer.Option(help="Profile to connect into.")
    ] = None,
    instance_url: Annotated[
        str | None, typer.Option(help="Mastodon: your server's URL.")
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field", "-f", help="name=value for a credentials field (else prompted)."
        ),
    ] = None,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the URL only.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """OAuth platforms: print and open the authorization URL. Credentials: ask for the fields."""
    given: dict[str, str] = {}
    for item in field or []:
        name, sep, value = item.partition("=")
        if not sep:
            fail(f"--field takes name=value, got {item!r}.", as_json=json_out)
        given[name.strip()] = value
    with client(as_json=json_out) as lmp:
        started = lmp.accounts.connect(
            platform, profile_id=profile, instance_url=instance_url
        )
        descriptor = started.get("descriptor", {})
        if descriptor.get("kind") == "oauth":
            url = str(descriptor.get("authorizationUrl", ""))
            if json_out:
                emit_json(started)
                return
            out.print(f"Open this URL to authorize {escape(platform)}:\n{escape(url)}")
            if not no_browser:
                webbrowser.open(url)
            out.print(
                "The account appears in `letmepost accounts list` once you approve it."
            )
            return
        values: dict[str, Any] = {}
        for spec in descriptor.get("fields", []):
            name = spec["name"]
            if name in given:
                values[name] = given[name]
                continue
            if json_out:  # scripts must pass every field; there is nobody to ask
                if spec.get("required"):
                    fail(f"Missing --field {name}=…", as_json=True)
                continue
            answer = typer.prompt(
                spec.get("label") or name,
                default="" if not spec.get("required") else None,
                hide_input=spec.get("type") == "password",
                show_default=False,
            )
            if answer:
                values[name] = answer
        account = lmp.accounts.complete_connect(platform, values, profile_id=profile)
    if json_out:
        emit_json(account)
        return
    out.print(
        f"[green]✔[/] Connected {escape(str(account.get('platform')))} "
        f"{escape(str(account.get('displayName')))} ({account.get('id')})"
    )


@accounts_app.command("disconnect")
@handles_errors
def accounts_disconnect(
    account_id: str, profile: ProfileOpt = None, json_out: JsonOpt = False
) -> None:
    """Remove a connected account and its stored token."""
    with client(as_json=json_out) as lmp:
        check_in_profile(
            lmp.accounts.get(account_id),
            profile_or_stored(profile),
            "account",
            as_json=json_out,
        )
        result = lmp.accounts.disconnect(account_id)
    if json_out:
        emit_json(result)
    else:
        out.print(f"[green]✔[/] disconnected {escape(account_id)}")


@profiles_app.command("list")
@handles_errors
def profiles_list(json_out: JsonOpt = False) -> None:
    """Every profile the key can see; ✔ marks the one `profiles use` chose."""
    with client(as_json=json_out) as lmp:
        rows = lmp.profiles.list()
    if json_out:
        emit_json({"data": rows})
        return
    current = config.stored_profile()
    table(
        ["ID", "NAME", "SLUG", "CREATED_AT", "CURRENT"],
        [
            (
                p.get("id"),
                p.get("name"),
                p.get("slug"),
                short_time(p.get("createdAt")),
                "✔" if p.get("id") == current else "",
            )
            for p in rows
        ],
    )


@profiles_app.command("use")
@handles_errors
def profiles_use(profile_id: str, json_out: JsonOpt = False) -> None:
    """Make commands without --profile use this profile (checked against the server)."""
    wanted = profile_id.strip()
    with client(as_json=json_out) as lmp:
        match = next((p for p in lmp.profiles.list() if p.get("id") == wanted), None)
    if match is None:
        fail(
            f'Profile "{wanted}" not found in this org. '
            "Run `letmepost profiles list` to see the available ids.",
            as_json=json_out,
        )
    config.remember(profileId=wanted)
    if json_out:
        emit_json({"profileId": wanted, "name": match.get("name")})
    else:
        out.print(
            f"[green]✔[/] Default profile set to {escape(str(match.get('name')))} ({wanted})."
        )


@profiles_app.command("current")
@handles_errors
def profiles_current(json_out: JsonOpt = False) -> None:
    """The profile `profiles use` chose, or none (the key's default)."""
    current = config.stored_profile()
    if json_out:
        emit_json({"profileId": current})
    else:
        out.print(current or "none — using key default")


@queue_app.command("show")
@handles_errors
def queue_show(
    profile: ProfileOpt = None,
    days: Annotated[
        int | None, typer.Option(min=1, max=90, help="How far ahead (default 14).")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """The upcoming slots and the posts holding them (GET /v1/queue)."""
    with client(as_json=json_out) as lmp:
        listing = lmp.queues.list(profile_or_stored(profile), days=days)
    if json_out:
        emit_json(listing)
        return
    out.print(
        f"Queue of profile {escape(listing['profileId'])}, in {escape(listing['timezone'])}"
    )
    if not listing["data"]:
        out.print("No slots ahead: add some with `letmepost queue set`.")
        return
    table(
        ["SLOT", "AT (UTC)", "POSTS"],
        [
            (
                slot_label(e),
                short_time(e.get("at")),
                ", ".join(f"{p['id']} ({p['status']})" for p in e["posts"]) or "free",
            )
            for e in listing["data"]
        ],
    )


@queue_app.command("set")
@handles_errors
def queue_set(
    timezone_name: Annotated[
        str, typer.Option("--timezone", help="IANA time zone, e.g. Europe/Berlin.")
    ],
    slot: Annotated[
        list[str] | None,
        typer.Option(help="<day>@HH:MM, e.g. mon@09:00; repeatable."),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="No slots at all (instead of --slot).")
    ] = False,
    profile: ProfileOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Replace the profile's weekly slots (PUT /v1/profiles/{id}/queue): every --slot given,
    the others removed."""
    if bool(slot) == clear:
        raise typer.BadParameter("Give the new slots with --slot, or --clear for none.")
    try:
        slots = [parse_slot(v) for v in split_commas(slot)]
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--slot") from None
    profile_id = profile_or_stored(profile)
    if not profile_id:
        fail(
            "Name the profile: --profile <id>, or `letmepost profiles use <id>` first.",
            as_json=json_out,
        )
    with client(as_json=json_out) as lmp:
        saved = lmp.queues.set(
            profile_id,
            timezone=timezone_name,
            slots=slots,
        )
    if json_out:
        emit_json(saved)
        return
    n = len(saved["slots"])
    out.print(
        f"[green]✔[/] Queue of profile {escape(profile_id)}: {n} slot{'' if n == 1 else 's'}"
        f" a week in {escape(saved['timezone'])}"
        + (f": {', '.join(slot_label(s) for s in saved['slots'])}" if n else ".")
    )


def short_time(value: str | None) -> str:
    """`2026-06-01T09:00:00.000Z` as `2026-06-01 09:00Z` to leave the text room."""
    return (
        f"{value[:10]} {value[11:16]}Z" if value and len(value) >= 16 else value or "-"
    )


def _post_exit(status: str) -> int:
    return EXIT_OK if status in ("published", "queued") else EXIT_INVALID


@app.command()
@handles_errors
def post(
    text: Annotated[str, typer.Argument(help="The post's text.")],
    to: Annotated[
        list[str],
        typer.Option(
            "--to",
            "-t",
            help="Account id or platform slug (all its accounts); repeat or comma-separate.",
        ),
    ],
    media: Annotated[
        list[str] | None,
        typer.Option("--media", "-m", help="File to attach; repeat or comma-separate."),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            "--schedule",
            help="Schedule: ISO-8601 time, +30m / +2h / +1d, or next_slot (the profile's queue).",
        ),
    ] = None,
    first_comment: Annotated[
        str | None, typer.Option(help="Posted as the first reply.")
    ] = None,
    thread: Annotated[
        list[str] | None,
        typer.Option(
            "--thread",
            help="A post after the first, as a reply to the previous one; repeat in order.",
        ),
    ] = None,
    auto_thread: Annotated[
        bool,
        typer.Option(
            "--auto-thread",
            help="Split a text too long for a platform into a numbered thread.",
        ),
    ] = False,
    profile: ProfileOpt = None,
    idempotency_key: Annotated[
        str | None,
        typer.Option("--idempotency-key", help="Re-run safely: same key, same post."),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Publish now, or schedule with --at. Exit 2 when a target failed or was rejected."""
    scheduled_at = parse_when(at) if at else None
    files = media_paths(media, as_json=json_out)
    profile = profile_or_stored(profile)
    with client(as_json=json_out) as lmp:
        targets = resolve_targets(
            lmp, split_commas(to), as_json=json_out, profile_id=profile
        )
        uploaded = upload_all(
            lmp, files, as_json=json_out, key=idempotency_key, profile_id=profile
        )
        result = lmp.posts.create(
            targets=targets,
            text=text,
            media=uploaded or None,
            first_comment=first_comment,
            thread=thread or None,
            auto_thread=auto_thread or None,
            scheduled_at=scheduled_at,
            profile_id=profile,
            idempotency_key=idempotency_key,
        )
    status = str(result.get("status"))
    if json_out:
        emit_json(result)
    else:
        for one in result.get("results", []):
            out.print(target_line(dict(one)))
        when = f" for {result['scheduledAt']}" if result.get("scheduledAt") else ""
        out.print(f"batch {result.get('id')} ({escape(status)}){escape(when)}")
    raise typer.Exit(_post_exit(status))


@app.command()
@handles_errors
def validate(
    text: Annotated[str, typer.Argument(help="The text to check.")],
    to: Annotated[
        list[str],
        typer.Option(
            "--to", "-t", help="Account id or platform slug; repeat or comma-separate."
        ),
    ],
    media: Annotated[
        list[str] | None,
        typer.Option("--media", "-m", help="File to check; uploaded first."),
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Check as if scheduled at this time.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Run every preflight rule without publishing. Exit 0 valid, 2 violations, 1 error."""
    scheduled_at = parse_when(at) if at else None
    files = media_paths(media, as_json=json_out)
    with client(as_json=json_out) as lmp:
        targets = resolve_targets(lmp, split_commas(to), as_json=json_out)
        uploaded = upload_all(lmp, files, as_json=json_out)
        result = lmp.posts.validate(
            targets=targets,
            text=text,
            media=uploaded or None,
            scheduled_at=scheduled_at,
        )
    valid = bool(result.get("valid"))
    if json_out:
        emit_json(result)
    else:
        for one in result.get("results", []):
            mark = "[green]✔[/]" if one.get("valid") else "[red]✗[/]"
            out.print(
                f"{mark} {escape(str(one.get('platform')))} {one.get('accountId')}"
            )
            for v in one.get("violations", []):
                out.print(
                    escape(
                        f"    {v.get('severity')} {v.get('rule')}: {v.get('message')}"
                    )
                )
                if v.get("remediation"):
                    out.print(escape(f"      remediation: {v['remediation']}"))
        out.print("valid" if valid else "[red]violations found[/]")
    raise typer.Exit(EXIT_OK if valid else EXIT_INVALID)


@posts_app.command("list")
@handles_errors
def posts_list(
    status: Annotated[
        list[str] | None, typer.Option(help="queued, published, failed, …; repeatable.")
    ] = None,
    platform: Annotated[list[str] | None, typer.Option(help="Repeatable.")] = None,
    account: Annotated[
        list[str] | None, typer.Option(help="Account id; repeatable.")
    ] = None,
    q: Annotated[str | None, typer.Option("--q", help="Text contains.")] = None,
    profile: ProfileOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="Page size.")] = 20,
    cursor: Annotated[
        str | None, typer.Option(help="nextCursor of a previous page.")
    ] = None,
    all_pages: Annotated[
        bool, typer.Option("--all", help="Follow the cursor to the end.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """The post log, newest first (one row per target)."""
    filters: dict[str, Any] = {
        "status": split_commas(status) or None,
        "platform": split_commas(platform) or None,
        "account_id": account,
        "q": q,
        "profile_id": profile_or_stored(profile),
    }
    with client(as_json=json_out) as lmp:
        if all_pages:
            rows = list(lmp.posts.iter(page_size=limit, cursor=cursor, **filters))
            next_cursor = None
        else:
            page = lmp.posts.list(limit=limit, cursor=cursor, **filters)
            rows, next_cursor = page["data"], page["nextCursor"]
    if json_out:
        emit_json({"data": rows, "nextCursor": next_cursor})
        return
    table(
        ["ID", "PLATFORM", "STATUS", "TEXT", "TIME"],
        [
            (
                p.get("id"),
                p.get("platform"),
                p.get("status"),
                (p.get("text") or "")[:40],
                short_time(
                    p.get("publishedAt") or p.get("scheduledAt") or p.get("createdAt")
                ),
            )
            for p in rows
        ],
    )
    if next_cursor:
        out.print(f"more: letmepost posts list --cursor {next_cursor}")


@posts_app.command("get")
@handles_errors
def posts_get(
    post_id: str, profile: ProfileOpt = None, json_out: JsonOpt = False
) -> None:
    """One post with its attempts and error."""
    with client(as_json=json_out) as lmp:
        detail = lmp.posts.get(post_id)
    check_in_profile(detail, profile_or_stored(profile), "post", as_json=json_out)
    if json_out:
        emit_json(detail)
        return
    out.print(
        target_line(
            {
                "platform": detail.get("platform"),
                "accountId": detail.get("accountId"),
                "status": detail.get("status"),
                "uri": detail.get("platformUri"),
                "error": detail.get("error"),
            }
        )
    )
    for key in ("text", "scheduledAt", "publishedAt", "createdAt"):
        if detail.get(key):
            out.print(escape(f"{key}: {detail.get(key)}"))
    for attempt in detail.get("attempts", []):
        out.print(
            escape(
                f"attempt {attempt.get('attemptNumber')}: {attempt.get('outcome')} {attempt.get('errorCode') or ''}"
            )
        )


@posts_app.command("cancel")
@handles_errors
def posts_cancel(post_id: str, json_out: JsonOpt = False) -> None:
    """Cancel a queued post."""
    with client(as_json=json_out) as lmp:
        result = lmp.posts.cancel(post_id)
    if json_out:
        emit_json(result)
    else:
        out.print(f"{result['id']} {escape(result['status'])}")


@posts_app.command("reschedule")
@handles_errors
def posts_reschedule(
    post_id: str,
    when: Annotated[str, typer.Argument(help="ISO-8601 time or +30m / +2h / +1d.")],
    json_out: JsonOpt = False,
) -> None:
    """Move a queued post to another time."""
    with client(as_json=json_out) as lmp:
        result = lmp.posts.reschedule(post_id, parse_when(when))
    if json_out:
        emit_json(result)
    else:
        out.print(
            f"{result.get('id')} {escape(str(result.get('status')))} for {result.get('scheduledAt')}"
        )


@posts_app.command("retry")
@handles_errors
def posts_retry(
    post_id: str,
    confirm_unknown: Annotated[
        bool,
        typer.Option(
            "--confirm-unknown",
            help="Retry even if the last attempt may have been published (check first).",
        ),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Publish a failed or rejected post's content again, now, as a new post."""
    with client(as_json=json_out) as lmp:
        result = lmp.posts.retry(post_id, confirm_unknown=confirm_unknown)
    status = str(result.get("status"))
    if json_out:
        emit_json(result)
    else:
        for one in result.get("results", []):
            out.print(target_line(dict(one)))
    raise typer.Exit(_post_exit(status))


@webhooks_app.command("list")
@handles_errors
def webhooks_list(json_out: JsonOpt = False) -> None:
    """Webhook endpoints and their delivery health."""
    with client(as_json=json_out) as lmp:
        rows = lmp.webhooks.list()
    if json_out:
        emit_json({"data": rows})
        return
    table(
        ["ID", "URL", "EVENTS", "ACTIVE", "LAST DELIVERY", "LAST FAILURE"],
        [
            (
                w.get("id"),
                w.get("url"),
                ",".join(w.get("events") or []) or "all",
                "yes" if w.get("active") else "no",
                w.get("lastDeliveryAt") or "-",
                w.get("lastFailureReason") or "-",
            )
            for w in rows
        ],
    )


@webhooks_app.command("test")
@handles_errors
def webhooks_test(
    endpoint_id: str,
    event_type: Annotated[
        str | None, typer.Option("--type", help="Event type (default post.published).")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Send a signed sample event now. Exit 2 when the receiver did not accept it."""
    with client(as_json=json_out) as lmp:
        result = lmp.webhooks.test(endpoint_id, event_type=event_type)
    delivered = bool(result.get("delivered"))
    if json_out:
        emit_json(result)
    else:
        mark = "[green]✔ delivered[/]" if delivered else "[red]✗ not delivered[/]"
        out.print(
            f"{mark} HTTP {result.get('status')} in {result.get('durationMs')} ms"
        )
        if result.get("errorName"):
            out.print(escape(f"error: {result['errorName']}"))
    raise typer.Exit(EXIT_OK if delivered else EXIT_INVALID)


@app.command()
@handles_errors
def rules(
    platform: Annotated[
        str | None, typer.Argument(help="Only this platform's rules.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """The preflight rules the server enforces."""
    with client(as_json=json_out) as lmp:
        rows = lmp.preflight_rules.list(platform)
    if json_out:
        emit_json({"data": rows})
        return
    table(
        ["RULE", "SEVERITY", "CHECKS"],
        [(r.get("id"), r.get("severity"), r.get("checks")) for r in rows],
    )


@app.command()
@handles_errors
def mcp() -> None:
    """A stdio MCP server for desktop agents, forwarding to the server's /mcp (needs the mcp extra)."""
    settings = config.resolve(api_key=state.api_key, base_url=state.base_url)
    try:
        from letmepost import mcp_bridge
    except ImportError as exc:
        err.print(
            f'letmepost mcp needs the mcp extra: pip install "letmepost[mcp]" ({escape(str(exc))})'
        )
        raise typer.Exit(EXIT_ERROR) from None
    mcp_bridge.main(base_url=settings.base_url, api_key=settings.api_key or None)


@app.command()
@handles_errors
def version(json_out: JsonOpt = False) -> None:
    """The CLI's version and the server it talks to."""
    settings = config.resolve(api_key=state.api_key, base_url=state.base_url)
    if json_out:
        emit_json({"version": __version__, "baseUrl": settings.base_url})
    else:
        out.print(f"letmepost {__version__} ({escape(settings.base_url)})")


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except typer.Abort:
        raise SystemExit(EXIT_ERROR) from None
