"""Where outgoing email goes, for pages that tell people to look for one."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()

CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


@register.simple_tag
def email_goes_to_console() -> bool:
    """True without LETMEPOST_SMTP_HOST: the console backend prints mail where `serve` runs."""
    return settings.EMAIL_BACKEND == CONSOLE_BACKEND
