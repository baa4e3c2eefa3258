"""Template tags that emit script, module-preload and stylesheet tags with Subresource Integrity."""

from __future__ import annotations

from django import template
from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils.html import format_html, format_html_join

from helpline.staticfiles import integrity, module_graph

register = template.Library()


@register.simple_tag
def module_script(name: str) -> str:
    """The module's script tag, after a preload with integrity of every module it imports."""
    preloads = format_html_join("", "{}", ((modulepreload(imported),) for imported in module_graph(name)))
    return preloads + format_html(
        '<script type="module" src="{}" integrity="{}" crossorigin="anonymous"></script>',
        staticfiles_storage.url(name),
        integrity(name),
    )


@register.simple_tag
def modulepreload(name: str) -> str:
    """Preload an imported module with its integrity, so the import is checked too."""
    return format_html(
        '<link rel="modulepreload" href="{}" integrity="{}" crossorigin="anonymous">',
        staticfiles_storage.url(name),
        integrity(name),
    )


@register.simple_tag
def stylesheet(name: str) -> str:
    return format_html(
        '<link rel="stylesheet" href="{}" integrity="{}" crossorigin="anonymous">',
        staticfiles_storage.url(name),
        integrity(name),
    )
