from django import template

from exports.selectors import comments_exportable

register = template.Library()


@register.simple_tag
def comments_export_available() -> bool:
    return comments_exportable()
