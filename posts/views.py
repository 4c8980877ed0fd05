"""Dashboard pages for posts: compose with live preflight, the log, a post's detail.
(The calendar is in posts/calendar_views.py.)

Thin views over the services the API uses: `check_post` (what `POST /v1/posts/validate` runs),
`create_post` through `commit_then_publish` (what `POST /v1/posts` runs), `reschedule_target`, `cancel_target`
and the log selectors. htmx requests get the named partial of the same template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from letmepost.api import pagination
from letmepost.dashboard import (
    DashboardRequest,
    add_service_error,
    dashboard_view,
    safe_next,
    viewer_zone,
    zone_label,
)
from letmepost.errors import CATALOG, LetmepostError, PreflightFailed, ValidationFailed
from letmepost.ids import parse_uuid
from platforms.base import Violation
from platforms.models import PlatformAccount
from platforms.registry import adapter_class
from platforms.selectors import live_accounts
from posts import (
    bulk,
    compose_state,
    compose_thread,
    drafts,
    selectors,
    services,
    threads,
)
from posts.api.presenters import batch_status
from posts.curl import body_for_target, curl_command, key_hint
from posts.forms import (
    NOW,
    THREAD_FIELD,
    BulkForm,
    ComposeForm,
    LogFilterForm,
    RescheduleForm,
)
from posts.models import Post, PostTarget
from posts.preview import Preview, preview, text_limit
from posts.publishing import commit_then_publish
from posts.retry import RETRYABLE, may_have_published, retry_target

LOG_PAGE = 25


@dataclass
class Summary:
    ok: bool
    message: str
    targets: list[PostTarget]


def batch_summary(post: Post, zone: tzinfo) -> Summary:
    """One line about what just happened to a batch, for the flash message."""
    targets = list(post.targets.select_related("account").order_by("position"))
    status = batch_status(targets)
    n = len(targets)
    accounts = f"{n} account" + ("" if n == 1 else "s")
    if status == "queued" and post.scheduled_at:
        local = post.scheduled_at.astimezone(zone)
        return Summary(
            True,
            f"Scheduled for {accounts} at {local:%Y-%m-%d %H:%M} {zone_label(zone)} "
            f"({post.scheduled_at:%Y-%m-%d %H:%M} UTC).",
            targets,
        )
    if status == "published":
        return Summary(True, f"Published to {accounts}.", targets)
    if status == "queued":
        return Summary(
            True, f"Queued for {accounts}; it publishes in a moment.", targets
        )
    failed = [
        t
        for t in targets
        if t.status in (PostTarget.Status.FAILED, PostTarget.Status.REJECTED)
    ]
    first = (failed[0].error or {}).get("message", "") if failed else ""
    return Summary(
        False,
        f"{len(failed)} of {n} failed: {first} See the log for the full error.",
        targets,
    )


def dashboard_caller(request: DashboardRequest) -> services.Caller:
    """A signed-in person acts for the whole workspace, in the session's mode (live)."""
    return services.Caller(
        workspace=request.workspace,
        scope=None,
        livemode=request.principal.livemode,
        user=request.user,
    )


def _target(request: DashboardRequest, post_id: str) -> PostTarget:
    """A post of the session's workspace and mode; any other is a 404 (D23)."""
    return selectors.get_target_for_workspace(
        request.workspace, post_id, livemode=request.principal.livemode
    )


# --- compose ---------------------------------------------------------------------------------


@dataclass
class TargetCheck:
    account: PlatformAccount
    text: str
    preview: Preview  # how the platform counts, cuts and links the text
    violations: list[Violation] = field(default_factory=list)
    thread_total: int = 0  # posts after the first, autoThread's parts included
    split: int = 0  # of which autoThread's

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "error"]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity != "error"]


@dataclass
class Preflight:
    checks: list[TargetCheck] = field(default_factory=list)
    # Per thread item field of the form (blank ones included): its check on every account.
    items: list[list[compose_thread.ItemCheck]] = field(default_factory=list)
    problem: str | None = None  # a request-level refusal (no account, no text…)
    remediation: str | None = None
    rule: str | None = None

    @property
    def valid(self) -> bool:
        return self.problem is None and all(not c.errors for c in self.checks)


def run_preflight(request: DashboardRequest, form: ComposeForm) -> Preflight:
    """Exactly what `POST /v1/posts/validate` runs, on what the form describes."""
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return Preflight(problem=str(first))
    try:
        checked = services.check_post(
            caller=dashboard_caller(request), request=form.post_request()
        )
    except LetmepostError as exc:
        return Preflight(
            problem=exc.message,
            remediation=exc.fields.get("remediation"),
            rule=exc.rule,
        )
    given = len(form.thread_items())
    return Preflight(
        checks=[
            TargetCheck(
                account=t.account,
                text=t.text,
                preview=preview(t.account, t.draft()),
                violations=t.violations,
                thread_total=compose_thread.item_count(t),
                split=compose_thread.split_parts(t, given),
            )
            for t in checked
        ],
        items=compose_thread.item_checks(checked, form.thread_texts()),
    )


def _accounts(request: DashboardRequest) -> list[PlatformAccount]:
    return list(live_accounts(request.workspace).order_by("platform", "created_at"))


def _compose_context(
    request: DashboardRequest,
    form: ComposeForm,
    preflight: Preflight | None,
    media: list[dict[str, str]] | None = None,
    thread: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "thread_items": compose_thread.rendered_items(
            form.thread_texts() if thread is None else thread,
            preflight.items if preflight else [],
            spare=True,
        ),
        "max_thread_items": threads.MAX_THREAD_ITEMS,
        "blank_thread_item": {"text": "", "checks": []},
        "form": form,
        "accounts": [
            {
                "account": a,
                "override": form[ComposeForm.override_name(a)],
                "limit": text_limit(adapter_class(a.platform)),
                "checked": str(a.pk) in (form["accounts"].value() or []),
            }
            for a in form.account_list
        ],
        "preflight": preflight,
        "zone": zone_label(viewer_zone(request)),
        "media_items": compose_state.media_previews(
            request.workspace,
            form.media_items() if media is None else media,
            livemode=request.principal.livemode,
        ),
        "draft_id": form["draft_id"].value() or "",
        "library": compose_state.library_picks(
            request.workspace, livemode=request.principal.livemode
        ),
        "blank_media": {"id": "", "kind": "image", "alt": "", "url": "", "name": ""},
    }


@require_http_methods(["GET", "POST"])
@dashboard_view
def compose(request: DashboardRequest) -> HttpResponse:
    accounts = _accounts(request)
    zone = viewer_zone(request)
    if request.method == "GET":
        return _compose_page(request, accounts)
    save_as_draft = request.POST.get("intent") == "draft"
    form = ComposeForm(
        request.POST, accounts=accounts, zone=zone, save_as_draft=save_as_draft
    )
    preflight = None
    if form.is_valid():
        reopened = compose_state.open_draft(
            request.workspace,
            form.cleaned_data["draft_id"],
            livemode=request.principal.livemode,
        )
        try:
            if form.cleaned_data["draft_id"] and reopened is None:
                raise ValidationFailed(
                    "This draft was already sent or deleted.",
                    rule="post.status",
                    remediation="Start again from the posts log.",
                )
            created = commit_then_publish(
                lambda: (
                    drafts.replace_draft(
                        caller=dashboard_caller(request),
                        post=reopened,
                        request=form.post_request(),
                        draft=save_as_draft,
                    )
                    if reopened is not None
                    else services.create_post(
                        caller=dashboard_caller(request),
                        request=form.post_request(),
                        draft=save_as_draft,
                    )
                )
            )
        except PreflightFailed:
            preflight = run_preflight(request, form)
            form.add_error(
                None, "The post breaks a platform rule; nothing was sent. See below."
            )
        except LetmepostError as exc:
            add_service_error(form, exc, _field_for_rule(exc.rule))
        else:
            if save_as_draft:
                found = sum(
                    len(v) for v in created.violations().values()
                )  # errors and warnings alike: both are worth a look before sending
                messages.success(
                    request,
                    compose_state.draft_summary(found, len(created.checked)),
                )
                return redirect(f"{reverse('posts:compose')}?draft={created.post.pk}")
            summary = batch_summary(created.post, getattr(form, "zone", zone))
            (messages.success if summary.ok else messages.error)(
                request, summary.message
            )
            if len(summary.targets) == 1:
                return redirect("posts:detail", summary.targets[0].pk)
            return redirect(f"{reverse('posts:log')}?batch={created.post.pk}")
    return render(
        request,
        "posts/compose.html",
        _compose_context(request, form, preflight),
        status=400,
    )


def _compose_page(
    request: DashboardRequest, accounts: list[PlatformAccount]
) -> HttpResponse:
    """A blank compose page, or a saved draft reopened in it (`?draft=<batch id>`)."""
    zone = viewer_zone(request)
    draft_id = request.GET.get("draft")
    post = compose_state.open_draft(
        request.workspace, draft_id, livemode=request.principal.livemode
    )
    if draft_id and post is None:
        messages.error(request, "That draft was already sent or deleted.")
        return redirect("posts:compose")
    if post is None:
        picked = request.GET.getlist("account") or (
            [str(accounts[0].pk)] if len(accounts) == 1 else []
        )
        form = ComposeForm(
            initial={"accounts": picked, "mode": NOW}, accounts=accounts, zone=zone
        )
        return render(
            request, "posts/compose.html", _compose_context(request, form, None)
        )
    initial, media, thread = compose_state.draft_initial(post, zone)
    form = ComposeForm(initial=initial, accounts=accounts, zone=zone)
    # The saved draft's findings, shown as the page opens (the same check as typing runs).
    bound = ComposeForm(
        _initial_as_data(form, initial, media, thread),
        accounts=accounts,
        zone=zone,
    )
    return render(
        request,
        "posts/compose.html",
        _compose_context(request, form, run_preflight(request, bound), media, thread),
    )


def _initial_as_data(
    form: ComposeForm,
    initial: dict[str, Any],
    media: list[dict[str, str]],
    thread: list[str],
) -> QueryDict:
    data = QueryDict(mutable=True)
    for name in form.fields:
        value = initial.get(name)
        if isinstance(value, list):
            data.setlist(name, value)
        elif value is not None:
            data[name] = str(value)
    data["mode"] = NOW  # as the live check: the schedule does not change the rules
    data.setlist("media_id", [m["id"] for m in media])
    data.setlist("media_kind", [m["kind"] for m in media])
    data.setlist("media_alt", [m["alt"] for m in media])
    data.setlist(THREAD_FIELD, thread)
    return data


def _field_for_rule(rule: str | None) -> str | None:
    if not rule:
        return None
    if rule.startswith("scheduledAt") or rule == "mode_conflict":
        return "scheduled_date"
    if rule.startswith(("targets.text", "text")):
        return "text"
    if rule.startswith(("target.account", "targets.account")):
        return "accounts"
    return None


@require_POST
@dashboard_view
def preflight(request: DashboardRequest) -> HttpResponse:
    """htmx, as the person types: every violation of every picked account, with its fix."""
    data: QueryDict = request.POST.copy()
    data["mode"] = NOW  # the schedule does not change what the platforms accept
    form = ComposeForm(data, accounts=_accounts(request), zone=viewer_zone(request))
    result = run_preflight(request, form)
    # Each thread item's checks go to the item itself, swapped out of band by its position.
    return render(
        request,
        "posts/compose.html#preflight_live",
        {
            "preflight": result,
            "thread_items": compose_thread.rendered_items(
                form.thread_texts(), result.items, spare=False
            ),
        },
    )


# --- the log ---------------------------------------------------------------------------------


@require_GET
@dashboard_view
def log(request: DashboardRequest) -> HttpResponse:
    known = list(
        PlatformAccount.objects.filter(workspace=request.workspace).order_by(
            "platform", "created_at"
        )
    )
    form = LogFilterForm(request.GET or None, accounts=known)
    filters = selectors.LogFilter()
    if form.is_bound and form.is_valid():
        after, before = form.window(viewer_zone(request))
        data = form.cleaned_data
        filters = selectors.LogFilter(
            statuses=tuple(filter(None, data["status"].split(","))),
            platforms=(data["platform"],) if data["platform"] else (),
            account_ids=(data["account"],) if data["account"] else (),
            error_codes=(data["error_code"].strip(),)
            if data["error_code"].strip()
            else (),
            after=after,
            before=before,
            q=data["q"].strip() or None,
        )
    targets = selectors.list_targets(
        request.workspace, filters, livemode=request.principal.livemode
    )
    if batch := request.GET.get("batch"):
        targets = targets.filter(post_id=batch) if parse_uuid(batch) else targets.none()
    page = list(
        pagination.after_cursor(targets, request.GET.get("cursor"))[: LOG_PAGE + 1]
    )
    more = len(page) > LOG_PAGE
    page = page[:LOG_PAGE]
    query = request.GET.copy()
    query.pop("cursor", None)
    if more:
        query["cursor"] = pagination.encode_cursor(page[-1])
    context = {
        "form": form,
        "targets": page,
        "next_url": f"{reverse('posts:log')}?{query.urlencode()}" if more else None,
        "error_codes": sorted(CATALOG),
        "filtered": any(v for k, v in request.GET.items() if k != "cursor"),
        "bulk_form": BulkForm(zone=viewer_zone(request)),
    }
    if request.htmx and request.GET.get("cursor"):
        return render(request, "posts/log.html#rows", context)
    if request.htmx:
        return render(request, "posts/log.html#results", context)
    return render(request, "posts/log.html", context)


@require_POST
@dashboard_view
def bulk_action(request: DashboardRequest) -> HttpResponse:
    """The log's bulk bar: one action on every ticked post, each through its single service."""
    back = safe_next(request, reverse("posts:log"))
    form = BulkForm(request.POST, zone=viewer_zone(request))
    picked = request.POST.getlist("post")
    if not picked:
        messages.error(request, "Nothing done: tick at least one post first.")
        return redirect(back)
    if not form.is_valid():
        messages.error(request, "Nothing done: " + _form_errors(form))
        return redirect(back)
    try:
        result = bulk.run(
            caller=dashboard_caller(request),
            action=form.cleaned_data["action"],
            post_ids=picked,
            scheduled_at=form.when,
            confirm_unknown=form.cleaned_data["confirm_unknown"],
        )
    except LetmepostError as exc:
        messages.error(request, f"Nothing done: {exc.message}")
        return redirect(back)
    context: dict[str, Any] = {"result": result, "back": back}
    if (
        form.when is not None
    ):  # the zone the time was picked in, as the single action says
        context.update(when=form.when.astimezone(form.zone), zone=zone_label(form.zone))
    return render(request, "posts/bulk_result.html", context)


def _form_errors(form: forms.Form) -> str:
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


@require_GET
@dashboard_view
def detail(request: DashboardRequest, post_id: str) -> HttpResponse:
    target = _target(request, post_id)
    attempts = list(target.attempts.all())
    siblings = list(
        PostTarget.objects.filter(post_id=target.post_id)
        .exclude(pk=target.pk)
        .select_related("account")
    )
    replies = list(target.replies.order_by("position")) if target.reply_count else []
    return render(
        request,
        "posts/detail.html",
        {
            "target": target,
            "replies": replies,
            "thread": threads.progress(target, replies),
            "attempts": attempts,
            "siblings": siblings,
            "curl": curl_command(
                body_for_target(target),
                hint=key_hint(request.workspace, livemode=target.livemode),
            ),
            "next_attempt_at": next_attempt_at(target),
            "can_retry": target.status in RETRYABLE,
            "may_have_published": may_have_published(target),
            "queued": target.status == PostTarget.Status.QUEUED,
            "is_draft": target.status == PostTarget.Status.DRAFT,
            "reschedule_form": RescheduleForm(
                zone=viewer_zone(request), initial=_when_initial(target, request)
            ),
            "platform_response": (target.error or {}).get("platformResponse"),
        },
    )


def next_attempt_at(target: PostTarget) -> datetime | None:
    """When a queued post that already failed is tried again (the API's `nextAttemptAt`)."""
    if target.status == PostTarget.Status.QUEUED and target.attempt_count:
        return target.due_at
    return None


def _when_initial(target: PostTarget, request: DashboardRequest) -> dict[str, Any]:
    """The post's own time, if still ahead: a past time could only be refused."""
    if not target.scheduled_at or target.scheduled_at <= timezone.now():
        return {}
    local = target.scheduled_at.astimezone(viewer_zone(request))
    return {
        "scheduled_date": local.date(),
        "scheduled_time": local.time().replace(second=0, microsecond=0),
    }


@require_POST
@dashboard_view
def retry(request: DashboardRequest, post_id: str) -> HttpResponse:
    target = _target(request, post_id)
    try:
        created = commit_then_publish(
            lambda: retry_target(
                caller=dashboard_caller(request),
                target=target,
                confirm_unknown=request.POST.get("confirm_unknown") == "on",
            )
        )
    except LetmepostError as exc:
        messages.error(
            request,
            f"Not retried: {exc.message} {exc.fields.get('remediation', '')}".strip(),
        )
        return redirect("posts:detail", target.pk)
    summary = batch_summary(created.post, viewer_zone(request))
    (messages.success if summary.ok else messages.error)(
        request, f"Retry: {summary.message}"
    )
    return redirect("posts:detail", summary.targets[0].pk)


@require_POST
@dashboard_view
def cancel(request: DashboardRequest, post_id: str) -> HttpResponse:
    target = _target(request, post_id)
    try:
        services.cancel_target(target=target)
    except LetmepostError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Canceled. Nothing will be published for it.")
    return redirect(safe_next(request, reverse("posts:detail", args=[target.pk])))


@require_POST
@dashboard_view
def delete_draft(request: DashboardRequest, post_id: str) -> HttpResponse:
    target = _target(request, post_id)
    try:
        drafts.delete_draft(target=target)
    except LetmepostError as exc:
        messages.error(request, f"Not deleted: {exc.message}")
        return redirect("posts:detail", target.pk)
    messages.success(request, "Draft deleted.")
    return redirect("posts:log")


@require_POST
@dashboard_view
def reschedule(request: DashboardRequest, post_id: str) -> HttpResponse:
    target = _target(request, post_id)
    form = RescheduleForm(request.POST, zone=viewer_zone(request))
    if not form.is_valid() or form.when is None:  # a valid form always has a time
        messages.error(request, "Not rescheduled: " + _form_errors(form))
    else:
        try:
            target = services.reschedule_target(target=target, scheduled_at=form.when)
        except LetmepostError as exc:
            messages.error(request, f"Not rescheduled: {exc.message}")
        else:
            when = target.scheduled_at or form.when  # reschedule_target sets it
            local = when.astimezone(form.zone)
            messages.success(
                request,
                f"Rescheduled to {local:%Y-%m-%d %H:%M} {zone_label(form.zone)} "
                f"({when:%Y-%m-%d %H:%M} UTC).",
            )
    return redirect(safe_next(request, reverse("posts:detail", args=[target.pk])))
