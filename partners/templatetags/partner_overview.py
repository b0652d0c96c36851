"""Rendering one section of the partner page (partners.overview.Section)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_section(context, section):
    """The section's template with the page's context plus the section's own (`section` included)."""
    with context.push(section=section, **section.context):
        return context.template.engine.get_template(section.template).render(context)
