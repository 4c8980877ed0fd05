from django import template

from letmepost.api.errors import rule_slug

register = template.Library()


@register.filter
def slugify_rule(rule_id: str) -> str:
    return rule_slug(rule_id)
