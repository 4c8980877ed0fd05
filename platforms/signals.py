"""What platforms announces to the apps above it, which subscribe in their `ready()`.

posts and webhooks depend on platforms, never the reverse: where a platforms write touches what
they own (the targets queued on an account, the outbound events), platforms sends a signal and
their receivers act (posts.receivers, webhooks.receivers). Signals are sent synchronously, so a
receiver runs inside the sender's transaction and its exception reaches the sender's caller.
"""

from django.dispatch import Signal

# A test-mode caller asks to disconnect `account` (sender PlatformAccount, kwarg `account`).
# A receiver refuses by raising a LetmepostError: posts does while live targets wait on it (D23).
test_disconnect_requested = Signal()

# `account` was just soft-deleted (sender PlatformAccount, kwarg `account`), inside
# disconnect_account's transaction: posts cancels the targets queued on it.
account_disconnected = Signal()

# An account's credentials are about to stop working or stopped (sender PlatformAccount, kwargs
# `event` "token.expiring" with `expires_at`, or "token.revoked" with `reason` and `message`):
# webhooks announces it (webhooks.receivers).
token_event = Signal()

# A pinned API version reached a sunset milestone for a workspace (sender PlatformVersion,
# kwargs `workspace_id`, `version`): webhooks announces `version.deprecated`.
version_deprecated = Signal()
