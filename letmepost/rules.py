"""Rule ids raised outside platform preflight (validation, state, auth), for their docs pages.

Platform preflight rules live with their adapters; this table names the cross-cutting ones so
every `ruleUrl` we emit resolves to a page served from the same ids the code raises.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleDoc:
    id: str
    code: str
    meaning: str
    remediation: str


# The page of every `<path>.unknown` rule (a body field the operation does not know).
UNKNOWN_FIELD = "field.unknown"

RULES: dict[str, RuleDoc] = {
    r.id: r
    for r in (
        # The Postiz-compatible API (postiz/, docs/migrate-from-postiz.md).
        RuleDoc(
            "postiz.content",
            "validation_failed",
            "A Postiz post entry has neither text nor an image.",
            "Give value[0] some content or at least one image.",
        ),
        RuleDoc(
            "postiz.thread.max_items",
            "validation_failed",
            "No longer raised: every value[] item after the first is now published as a "
            "thread item (a reply chain or comments on the post, by platform). Older "
            "letmepost versions refused more than one follow-up, or one with media.",
            "Nothing to do; a platform with neither replies nor comments refuses follow-ups "
            "with its `<platform>.thread.unsupported` rule.",
        ),
        RuleDoc(
            "postiz.type.update",
            "validation_failed",
            "Postiz's type 'update' (edit rows in place) is not supported.",
            "Resend the entry with its group and type 'schedule', or PATCH /v1/posts/{id}.",
        ),
        RuleDoc(
            "postiz.settings.fixed",
            "validation_failed",
            "The new Postiz settings would change how a queued post is published, which "
            "cannot change once it is queued.",
            "Delete the post and create it again with the new settings.",
        ),
        RuleDoc(
            "postiz.social.provider",
            "validation_failed",
            "Postiz's GET /social/:provider cannot start this connect: the platform is not "
            "available here, connects with credentials (Bluesky, sandbox) or needs a server "
            "URL first (Mastodon).",
            "Connect it from the dashboard, or with POST /v1/accounts/connect/{platform}.",
        ),
        RuleDoc(
            "body",
            "validation_failed",
            "The body is not a JSON object (an array, a string or a number was sent), or the "
            "request could not be read at all.",
            "Send one JSON object with Content-Type: application/json.",
        ),
        RuleDoc(
            # `manage.py bootstrap`: the first user's password, checked by Django's validators.
            "password",
            "validation_failed",
            "The password fails the server's password rules (too short, too common, all digits "
            "or too like the email address).",
            "Choose a longer password that is not like the email address.",
        ),
        RuleDoc(
            "body.json",
            "validation_failed",
            "The body is not valid JSON.",
            "Send a JSON object with Content-Type: application/json.",
        ),
        RuleDoc(
            "body.size_max",
            "validation_failed",
            "The request body is larger than the configured cap (10 MiB by default).",
            "Send a smaller body; upload media with POST /v1/media.",
        ),
        RuleDoc(
            "body.content_type",
            "validation_failed",
            "The body's content type is not accepted here.",
            "Send Content-Type: application/json.",
        ),
        RuleDoc(
            "body.invalid_character",
            "validation_failed",
            "A string or member name in the JSON body contains U+0000 (NUL) or an unpaired "
            "UTF-16 surrogate (\\ud800-\\udfff), which no text field can store. The message "
            "and `platformResponse[0].path` name the member.",
            "Remove the character; a surrogate must be half of a pair (an emoji is fine).",
        ),
        RuleDoc(
            "query.invalid_character",
            "validation_failed",
            "A query parameter's name or value contains U+0000 (`%00`), which no text field can "
            "be compared with. The message and `platformResponse[0].path` name the parameter.",
            "Remove the character from the query string.",
        ),
        RuleDoc(
            "body.depth_max",
            "validation_failed",
            "The JSON body nests objects and arrays more than 32 levels deep.",
            "Flatten the body; real requests need fewer than 6 levels.",
        ),
        RuleDoc(
            # Raised as `<path>.unknown` (`sheduledAt.unknown`, `targets.0.sandboxOutcome.unknown`);
            # every such ruleUrl is served this page.
            UNKNOWN_FIELD,
            "validation_failed",
            "The body has a field this operation does not know, often a misspelt name. "
            "Nothing was done: letmepost refuses unknown fields instead of ignoring them. "
            "`platformResponse` lists every unknown field; per-platform `options` are free-form "
            "and not checked by this rule.",
            'Rename the field as the remediation suggests ("did you mean …?") or remove it.',
        ),
        RuleDoc(
            "http.method",
            "validation_failed",
            "The route exists but not with this HTTP method.",
            "Use a method listed in the Allow header.",
        ),
        RuleDoc(
            "http.route",
            "not_found",
            "No API route has this path.",
            "Check the path against the API reference at /docs/api.",
        ),
        RuleDoc(
            "platform",
            "validation_failed",
            "The platform named in the path or query is unknown, or not enabled on this install.",
            "Use one of the platform slugs listed in the message.",
        ),
        RuleDoc(
            "idempotency_key.length",
            "validation_failed",
            "The Idempotency-Key header is longer than 255 characters.",
            "Use a shorter key, such as a UUID.",
        ),
        RuleDoc(
            "idempotency_key.body_mismatch",
            "idempotency_conflict",
            "The Idempotency-Key was already used, within 24 hours, with a different body on this route.",
            "Resend the original body unchanged, or use a new key.",
        ),
        RuleDoc(
            "idempotency_key.in_flight",
            "idempotency_conflict",
            "A request with the same Idempotency-Key is still running.",
            "Wait for it to finish, then retry to receive its stored response.",
        ),
        RuleDoc(
            "api_key.profile_scope",
            "not_found",
            "The key is scoped to a profile that does not own this object.",
            "Use a key of the object's profile, or an unscoped key.",
        ),
        RuleDoc(
            "api_key.scope_forbidden",
            "unauthorized",
            "A profile-scoped key tried something only workspace-wide credentials may do.",
            "Use a key that is not scoped to a profile, or the dashboard.",
        ),
        RuleDoc(
            "api_key.revoked",
            "not_found",
            "The API key does not exist or was already revoked.",
            "List keys with GET /v1/api-keys to find active ones.",
        ),
        RuleDoc(
            "api_key.livemode",
            "unauthorized",
            "A test key tried to create a live key, or to connect, change or disconnect an "
            "account on a real platform: test keys never reach a real platform.",
            "Use a live key or the dashboard; test with the sandbox platform.",
        ),
        RuleDoc(
            "membership.role",
            "unauthorized",
            "Only workspace owners and admins may do this.",
            "Ask an owner to change your role, or use an API key.",
        ),
        RuleDoc(
            "csrf",
            "unauthorized",
            "A signed-in browser request came without a valid CSRF token.",
            "Send the csrftoken cookie's value in the X-CSRFToken header.",
        ),
        RuleDoc(
            "oauth.token_invalid",
            "unauthenticated",
            "The bearer token is not an API key, and no live OAuth access token matches it: "
            "unknown, expired, revoked, issued for another server, or its person left the "
            "workspace.",
            "Refresh the token or sign in again; WWW-Authenticate names the OAuth metadata.",
        ),
        RuleDoc(
            "oauth.insufficient_scope",
            "unauthorized",
            "The OAuth access token has only the `read` scope, which allows GET requests only.",
            "Sign in again and grant the `publish` scope.",
        ),
        RuleDoc(
            "oauth.token_required",
            "unauthenticated",
            "POST /v1/oauth-exchange trades an OAuth access token for an API key; it was "
            "called with an API key or a session.",
            "Sign in with `letmepost login` (or `lmp login`); an API key needs no exchange.",
        ),
        RuleDoc(
            "connect.selection",
            "not_found",
            "The selectionId names no pending choice of this workspace: it expired (after 15 "
            "minutes), was used already, or belongs elsewhere.",
            "Start the connect flow again; choose the accounts within 15 minutes.",
        ),
        RuleDoc(
            "profile.unknown",
            "not_found",
            "The profileId names no profile of this workspace.",
            "List profiles with GET /v1/profiles.",
        ),
        RuleDoc(
            "profile.slug.unique",
            "validation_failed",
            "Another profile of the workspace has this slug.",
            "Choose another slug.",
        ),
        RuleDoc(
            "profile.slug.default",
            "validation_failed",
            "The default profile keeps the slug `default`.",
            "Rename the profile instead.",
        ),
        RuleDoc(
            "profile.delete.default",
            "validation_failed",
            "The default profile cannot be deleted.",
            "Delete other profiles instead.",
        ),
        RuleDoc(
            "profile.delete.not_empty",
            "validation_failed",
            "The profile still owns platform accounts.",
            "Move or disconnect its accounts first.",
        ),
        RuleDoc(
            "health.database",
            "internal_error",
            "The database did not answer the readiness check.",
            "Check DATABASE_URL and that the database server is up.",
        ),
        RuleDoc(
            "health.cache",
            "internal_error",
            "The cache did not answer the readiness check.",
            "Check REDIS_URL and that Redis is up.",
        ),
        RuleDoc(
            "health.broker",
            "internal_error",
            "The task broker did not answer the readiness check.",
            "Check CELERY_BROKER_URL and that the broker is up.",
        ),
        RuleDoc(
            "health.storage",
            "internal_error",
            "Media storage did not answer the readiness check.",
            "Check the media folder's permissions or the S3 settings.",
        ),
        RuleDoc(
            "webhook.url.invalid",
            "validation_failed",
            "The webhook URL is not an absolute http:// or https:// URL.",
            "Give an absolute URL such as https://example.com/hooks/letmepost.",
        ),
        RuleDoc(
            "webhook.url.https_required",
            "validation_failed",
            "This server only delivers webhooks to https:// URLs (production mode, or an https public URL).",
            "Serve the receiver over https://; for local development set LETMEPOST_WEBHOOKS_REQUIRE_HTTPS=false.",
        ),
        RuleDoc(
            "webhook.url.private_address",
            "validation_failed",
            "The webhook URL's host is, or resolves to, a loopback, private, link-local or reserved address.",
            "Use a publicly reachable receiver; for local development set LETMEPOST_WEBHOOKS_ALLOW_PRIVATE=true.",
        ),
        RuleDoc(
            "webhook.url.unresolvable",
            "validation_failed",
            "The webhook URL's host name does not resolve in DNS.",
            "Check the host name, or create the DNS record first.",
        ),
        RuleDoc(
            "webhook_endpoint.inactive",
            "validation_failed",
            "Events are replayed only to active endpoints, and this one is paused.",
            "PATCH the endpoint with active: true, then replay.",
        ),
        RuleDoc(
            "webhook_event.unknown",
            "not_found",
            "No event with this id belongs to the workspace (or it is past the retention period).",
            "Take event ids from the X-Letmepost-Event-Id header or the delivery log.",
        ),
        RuleDoc(
            "mode_conflict",
            "validation_failed",
            "publishNow and scheduledAt were both sent.",
            "Send one: publishNow to publish at once, or scheduledAt to schedule.",
        ),
        RuleDoc(
            "draft.mode_conflict",
            "validation_failed",
            "draft was sent together with publishNow or scheduledAt.",
            "Send draft alone; set the time when you promote it with PATCH /v1/posts/{id}.",
        ),
        RuleDoc(
            "targets.max",
            "validation_failed",
            "More than 25 targets in one request.",
            "Split the post into requests of at most 25 targets.",
        ),
        RuleDoc(
            "thread.max_items",
            "validation_failed",
            "A thread has more than 25 items after the first post (autoThread's parts included).",
            "Send at most 25 thread items, or split the text into fewer, longer parts.",
        ),
        RuleDoc(
            "targets.text.required",
            "validation_failed",
            "A target has no text, and the request has no top-level text.",
            "Add text at the top level or on the target.",
        ),
        RuleDoc(
            "target.account.not_connected",
            "validation_failed",
            "A target named only a platform, and no account of it is connected in scope.",
            "Connect an account of that platform, or give accountId.",
        ),
        RuleDoc(
            "target.account.ambiguous",
            "validation_failed",
            "A target named only a platform, and several accounts of it are connected; platformResponse.candidates lists them.",
            "Give accountId.",
        ),
        RuleDoc(
            "targets.account.platform_mismatch",
            "validation_failed",
            "A target's platform differs from its account's platform.",
            "Drop platform, or fix accountId.",
        ),
        RuleDoc(
            "targets.options.platform_mismatch",
            "validation_failed",
            "A target's options are for another platform than its account's.",
            "Set options.platform to the account's platform, or remove it.",
        ),
        RuleDoc(
            "profile.scope_mismatch",
            "validation_failed",
            "A profile-scoped key sent another profile's profileId.",
            "Omit profileId, or use a key of that profile.",
        ),
        # Posting queues (posts/queues.py, docs/publishing.md "Queues").
        RuleDoc(
            "queue.timezone.unknown",
            "validation_failed",
            "The queue's time zone is not an IANA time zone name.",
            'Send a name such as "Europe/Berlin", "America/New_York" or "UTC".',
        ),
        RuleDoc(
            "queue.slots.weekday",
            "validation_failed",
            "A slot's weekday is not one of monday, tuesday, … sunday (lowercase English names).",
            'Send the weekday as a lowercase name, e.g. "monday".',
        ),
        RuleDoc(
            "queue.slots.time",
            "validation_failed",
            "A slot's time is not a 24-hour HH:MM wall time.",
            'Send the time as "HH:MM", e.g. "09:30".',
        ),
        RuleDoc(
            "queue.slots.duplicate",
            "validation_failed",
            "The same weekday and time appear twice in the queue.",
            "Send each weekday and time once.",
        ),
        RuleDoc(
            "queue.slots.max",
            "validation_failed",
            "A queue has at most 168 slots (one an hour).",
            "Send fewer slots.",
        ),
        RuleDoc(
            "queue.empty",
            "validation_failed",
            'A post asked for the next slot ("scheduledAt": "next_slot"), but its profile\'s '
            "queue has no slots.",
            "Set the slots with PUT /v1/profiles/{id}/queue, or send a scheduledAt time.",
        ),
        RuleDoc(
            "queue.full",
            "validation_failed",
            "Every slot of the profile's queue is taken for the next year.",
            "Add slots to the queue, or send a scheduledAt time.",
        ),
        RuleDoc(
            "queue.profile_ambiguous",
            "validation_failed",
            "A next_slot post's targets belong to several profiles, each with its own queue.",
            "Send one request per profile.",
        ),
        RuleDoc(
            "scheduledAt.future",
            "validation_failed",
            "scheduledAt is less than 1 second in the future.",
            "Send a later time, or publish now.",
        ),
        RuleDoc(
            "post.status",
            "validation_failed",
            "Only queued posts can be rescheduled or canceled; a worker has taken this one or it is finished.",
            "Create a new post instead.",
        ),
        RuleDoc(
            "post.retry.status",
            "validation_failed",
            "Only failed or rejected posts can be retried.",
            "Retry a post whose status is failed or rejected.",
        ),
        RuleDoc(
            "post.retry.outcome_unknown",
            "validation_failed",
            "The post may already be on the platform (its outcome is unknown), so it is not retried automatically.",
            "Check the platform first; post again with a new request if it is missing.",
        ),
        # The dashboard's bulk actions and CSV import (posts/bulk.py, posts/csv_import.py).
        RuleDoc(
            "bulk.max_selected",
            "validation_failed",
            "More posts were selected for one bulk action than it takes at once (100).",
            "Select fewer posts, or filter the log first.",
        ),
        RuleDoc(
            "bulk.action",
            "validation_failed",
            "The bulk action is not one of cancel, reschedule or retry.",
            "Pick one of the log's bulk buttons.",
        ),
        RuleDoc(
            "bulk.reschedule.time",
            "validation_failed",
            "A bulk reschedule was asked for without the new time.",
            "Pick a date and a time in the future.",
        ),
        RuleDoc(
            "csv.file.size_max",
            "validation_failed",
            "The CSV file is larger than 1 MiB.",
            "Split it into files of at most 500 rows.",
        ),
        RuleDoc(
            "csv.file.encoding",
            "validation_failed",
            "The file is not UTF-8 text (or is not text at all).",
            'Save it as "CSV UTF-8" (Excel: Save As, CSV UTF-8); Google Sheets and LibreOffice '
            "export UTF-8 by default.",
        ),
        RuleDoc(
            "csv.file.syntax",
            "validation_failed",
            "The file is not valid CSV, e.g. a quote is never closed.",
            'Quote texts that hold commas, quotes or line breaks, doubling inner quotes: "a ""b"", c".',
        ),
        RuleDoc(
            "csv.header.missing",
            "validation_failed",
            "The first line does not name the required columns text, accounts and scheduledAt.",
            "Start the file with a header line: text,accounts,scheduledAt,media,firstComment.",
        ),
        RuleDoc(
            "csv.header.unknown",
            "validation_failed",
            "The header names a column the import does not know (names are case-sensitive).",
            "Use only text, accounts, scheduledAt, media and firstComment.",
        ),
        RuleDoc(
            "csv.header.duplicate",
            "validation_failed",
            "The header names a column twice.",
            "Name each column once.",
        ),
        RuleDoc(
            "csv.rows.max",
            "validation_failed",
            "The file has more than 500 rows.",
            "Split it into files of at most 500 rows.",
        ),
        RuleDoc(
            "csv.rows.empty",
            "validation_failed",
            "The file has a header but no rows.",
            "Add one line per post under the header.",
        ),
        RuleDoc(
            "csv.row.columns",
            "validation_failed",
            "A row has more cells than the header names: usually a text with an unquoted comma.",
            'Put texts that hold commas in double quotes: "a, b".',
        ),
        RuleDoc(
            "csv.scheduledAt.required",
            "validation_failed",
            "A row's scheduledAt is empty: an import schedules, it never publishes at once.",
            "Give an ISO 8601 time (with an offset, or without one for your time zone) or next_slot.",
        ),
        RuleDoc(
            "csv.accounts.required",
            "validation_failed",
            "A row names no account.",
            "Name one or more accounts: an account id, platform:handle or @handle.",
        ),
        RuleDoc(
            "csv.accounts.unknown",
            "validation_failed",
            "A row names an account that is not connected in this workspace.",
            "Use an account id, platform:handle or @handle from the Accounts page.",
        ),
        RuleDoc(
            "csv.accounts.ambiguous",
            "validation_failed",
            "A row's @handle matches accounts on several platforms.",
            "Write platform:handle, or the account id.",
        ),
        RuleDoc(
            "publish.outcome_unknown",
            "platform_unavailable",
            "The platform did not confirm whether the post landed and cannot be asked, so it is reported instead of retried.",
            "Check the account on the platform; publish again with a new request if the post is missing.",
        ),
        RuleDoc(
            "sandbox.outcome.forced",
            "platform_rejected",
            "The outcome was forced with sandboxOutcome or the Letmepost-Sandbox-Outcome header.",
            "Remove the forcing option or header.",
        ),
        RuleDoc(
            "sandbox.text.max_graphemes",
            "preflight_failed",
            "The sandbox allows 500 graphemes of text.",
            "Shorten the text.",
        ),
        RuleDoc(
            "sandbox.text.non_empty",
            "preflight_failed",
            "A sandbox post needs text or media.",
            "Add text or media.",
        ),
        RuleDoc(
            "sandbox.media.max_count",
            "preflight_failed",
            "The sandbox allows 4 attachments.",
            "Attach at most 4 items.",
        ),
        RuleDoc(
            "media.type_unsupported",
            "validation_failed",
            "The uploaded bytes are not a supported image or video (the type is sniffed from the bytes, not the file name).",
            "Upload a JPEG, PNG, WebP or GIF image or an MP4/MOV video.",
        ),
        RuleDoc(
            "media.url_fetch_failed",
            "validation_failed",
            "The media URL could not be downloaded.",
            "Check that the URL is public and answers 200, or upload the file.",
        ),
        RuleDoc(
            "url.scheme",
            "validation_failed",
            "Only http:// and https:// URLs are fetched.",
            "Use an http(s) URL.",
        ),
        RuleDoc(
            "url.private_address",
            "validation_failed",
            "The URL points at a loopback, private, link-local or metadata address, which letmepost never fetches.",
            "Use a public address.",
        ),
        RuleDoc(
            "url.host",
            "validation_failed",
            "The URL's host name could not be resolved.",
            "Check the host name.",
        ),
        RuleDoc(
            "http.accept",
            "validation_failed",
            "The Accept header asks for something other than JSON.",
            "Accept application/json.",
        ),
        RuleDoc(
            "membership.exists",
            "validation_failed",
            "That person is already a member of the workspace.",
            "Change their role instead.",
        ),
        RuleDoc(
            "membership.last_owner",
            "validation_failed",
            "A workspace must keep at least one owner.",
            "Make someone else an owner first.",
        ),
        RuleDoc(
            "membership.owner_role",
            "unauthorized",
            "Only owners can grant or remove the owner role.",
            "Ask an owner.",
        ),
        RuleDoc(
            "oauth.state",
            "validation_failed",
            "The connect link's state is unknown, expired (10 minutes) or already used.",
            "Start connecting again.",
        ),
        RuleDoc(
            "oauth.code_exchange",
            "platform_auth_failed",
            "The platform refused to exchange the authorization code for a token.",
            "Start connecting again; check the app's client id, secret and redirect URI.",
        ),
        RuleDoc(
            "oauth.refresh",
            "platform_auth_failed",
            "The platform refused to refresh the account's token.",
            "Reconnect the account.",
        ),
        RuleDoc(
            "facebook.oauth.long_lived_exchange",
            "platform_auth_failed",
            "Meta refused to swap the short-lived Facebook Login token for a long-lived one "
            "(or was unreachable: then the code is platform_unavailable).",
            "Connect again; check the app id and secret (META_APP_ID, META_APP_SECRET).",
        ),
        RuleDoc(
            "facebook.oauth.pages",
            "platform_auth_failed",
            "Meta refused to list the Pages the user manages, so no Page token could be issued.",
            "Connect again and grant pages_show_list and pages_manage_posts for the Page.",
        ),
        RuleDoc(
            "threads.oauth.long_lived_exchange",
            "platform_auth_failed",
            "Threads refused to swap the short-lived token for a 60-day one (or was unreachable: "
            "then the code is platform_unavailable).",
            "Connect again; check THREADS_CLIENT_ID and THREADS_CLIENT_SECRET.",
        ),
        RuleDoc(
            "threads.oauth.me_lookup",
            "platform_auth_failed",
            "Threads issued a token but refused to describe the profile it belongs to.",
            "Connect again and grant the threads_basic scope.",
        ),
        RuleDoc(
            "threads.oauth.refresh",
            "platform_auth_failed",
            "Threads refused to refresh the 60-day token: it has expired or was revoked.",
            "Reconnect the account; a token older than 60 days cannot be refreshed.",
        ),
        RuleDoc(
            "bluesky.record_key.collision",
            "platform_rejected",
            "A different record already uses this post's record key on the PDS.",
            "Post again with a new request.",
        ),
        RuleDoc(
            "mastodon.media.processing_timeout",
            "platform_unavailable",
            "The instance did not finish processing an attachment in time.",
            "Retry later, or use a smaller file.",
        ),
        RuleDoc(
            "twitter.text.duplicate",
            "platform_rejected",
            "X refused the post as a duplicate of one the account published recently (403).",
            "Change the text; X compares it with the account's recent posts.",
        ),
        RuleDoc(
            "twitter.post.not_permitted",
            "platform_rejected",
            "X refused the post for this account (403): a reply or quote of a post it cannot see "
            "or reply to, or a restricted account.",
            "Read platformResponse.detail; check the replyToTweetId or quoteTweetId.",
        ),
        RuleDoc(
            "linkedin.post.duplicate",
            "platform_rejected",
            "LinkedIn refused the post as a duplicate of a recent one (422).",
            "Change the commentary.",
        ),
        RuleDoc(
            "linkedin.media.processing_failed",
            "platform_rejected",
            "LinkedIn could not process an uploaded image or video (status PROCESSING_FAILED).",
            "Re-encode the file (MP4/H.264 for video) and publish again.",
        ),
        RuleDoc(
            "linkedin.media.processing_timeout",
            "platform_unavailable",
            "LinkedIn did not finish processing a video in time; nothing was posted.",
            "Retry later, or use a shorter video.",
        ),
        RuleDoc(
            "account.needs_reauth",
            "platform_auth_failed",
            "The platform refused the account's credentials earlier; nothing is sent until it is reconnected.",
            "Reconnect the account, then publish again.",
        ),
        RuleDoc(
            "auth.missing",
            "unauthenticated",
            "The request carried no credential where one is required (the MCP endpoint, /mcp).",
            "Send `Authorization: Bearer <API key or OAuth access token>` with every request.",
        ),
        RuleDoc(
            "platform.not_configured",
            "platform_not_enabled",
            "This install has no app credentials for the platform, so accounts cannot be "
            "connected to it yet.",
            "Set <SLUG>_CLIENT_ID and <SLUG>_CLIENT_SECRET (see docs/configuration.md, OAuth "
            "platforms), register the redirect URI on the platform, and restart.",
        ),
        RuleDoc(
            "platform.mismatch",
            "validation_failed",
            "The account belongs to another platform than this endpoint serves.",
            "Use an account id of the platform named in the path.",
        ),
        RuleDoc(
            "workspace.name",
            "validation_failed",
            "A workspace needs a non-empty name.",
            "Send a name of 1 to 120 characters.",
        ),
        RuleDoc(
            "youtube.channel.required",
            "validation_failed",
            "The Google account has no YouTube channel, so there is nowhere to upload.",
            "Create a channel at youtube.com for that Google account, then connect again.",
        ),
        RuleDoc(
            "youtube.quota_exceeded",
            "rate_limited",
            "The Google Cloud project's daily YouTube Data API quota is spent (an upload costs "
            "about 1,600 units of the default 10,000).",
            "Wait for the quota to reset at midnight Pacific time (the post is retried), or ask "
            "Google for more quota.",
        ),
        RuleDoc(
            "youtube.upload_limit_exceeded",
            "platform_rejected",
            "The channel has reached YouTube's upload limit for now.",
            "Publish again later; YouTube lifts the limit after a while.",
        ),
        RuleDoc(
            "youtube.category_id.invalid",
            "platform_rejected",
            "YouTube does not know options.categoryId in the channel's region.",
            "Send a category id from videoCategories.list, or leave it out for the default (22).",
        ),
        RuleDoc(
            "youtube.upload.interrupted",
            "platform_unavailable",
            "The resumable upload broke off before YouTube had the whole file; nothing was "
            "published, and the next attempt resumes the same session.",
            "Nothing to do: the post is retried. If it keeps failing, check the network path to "
            "googleapis.com.",
        ),
        RuleDoc(
            "tiktok.inbox.confirm",
            "platform_rejected",
            "A warning, not an error: the video went to the creator's TikTok inbox (the app is "
            "not audited for direct posting, or lacks video.publish), and appears only once the "
            "creator confirms it in the TikTok app.",
            "Ask the creator to open TikTok and post the draft; pass TikTok's audit for direct posts.",
        ),
        RuleDoc(
            "account.disconnected",
            "validation_failed",
            "The account was disconnected while this post was queued, so the post was canceled.",
            "Reconnect the account and post again.",
        ),
    )
}
