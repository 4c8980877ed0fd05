"""LinkedIn Pages rules: the post's commentary, the organization it is made as, its comments.

The numbers are LinkedIn's (the same Posts and Comments APIs as platforms.linkedin.preflight);
the ids are this platform's own. `Draft.account_limits["author_urn"]` is the organization URN
stored at connect. Thread items and first comments are comments (`linkedin_page.comment.*`).
"""

from __future__ import annotations

import re

from platforms import comments
from platforms.base import Draft, Violation
from platforms.linkedin import preflight as personal
from platforms.preflight import families as f
from platforms.preflight.spec import CONNECT, DEEP, CheckedRule, RuleSpec, raised

ACLS_DOCS = (
    "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/"
    "organizations/organization-access-control-by-role"
)

text_non_empty = f.text_non_empty(
    "linkedin_page.text.non_empty",
    "Commentary must contain a non-whitespace character.",
    "Provide text for the Page post.",
    personal.POSTS_DOCS,
)
text_max_graphemes = f.text_max_graphemes(
    "linkedin_page.text.max_graphemes",
    personal.MAX_GRAPHEMES,
    personal.POSTS_DOCS,
    what="Commentary",
)

AUTHOR_URN_FORMAT = RuleSpec(
    "linkedin_page.author.urn_format",
    DEEP,
    "The account's author must be an organization URN (urn:li:organization:<id>).",
    "Reconnect the Page from LinkedIn Pages so its URN is read from organizationAcls.",
    {"organization_urn_regex": personal.ORGANIZATION_URN},
    source_url=personal.POSTS_DOCS,
)


def _author_urn_format(draft: Draft) -> Violation | None:
    urn = draft.account_limits.get("author_urn")
    if urn is None or re.match(personal.ORGANIZATION_URN, urn):
        return None
    return AUTHOR_URN_FORMAT.violation(
        f"The account's author {urn!r} is not an organization URN."
    )


author_urn_format = CheckedRule(AUTHOR_URN_FORMAT, _author_urn_format)
document_alone, document_size_max = personal.document_rules("linkedin_page")

ORGANIZATIONS_NONE = raised(
    "linkedin_page.organizations.none",
    CONNECT,
    "After OAuth, organizationAcls?q=roleAssignee&role=ADMINISTRATOR must list at least one "
    "approved organization.",
    "Connect a member who is an administrator of the Page (LinkedIn: Page admin tools → "
    "Manage admins), and grant every requested scope.",
    http=400,
    source_url=ACLS_DOCS,
)

# --- comments: thread items and first comments (platforms.comments) ---------------------------

comment_non_empty = comments.text_non_empty(
    "linkedin_page.comment.non_empty", personal.COMMENTS_DOCS
)
comment_max_graphemes = comments.text_max(
    "linkedin_page.comment.max_graphemes",
    personal.COMMENT_MAX_GRAPHEMES,
    personal.COMMENTS_DOCS,
    notes="The Comments API states no maximum; 1,250 is what LinkedIn's own comment box takes.",
)
comment_media_unsupported = comments.no_media(
    "linkedin_page.comment.media_unsupported",
    personal.COMMENTS_DOCS,
    notes="LinkedIn comments may carry an image (`content`); letmepost sends text only so far.",
)
