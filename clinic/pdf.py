"""PDF documents from Django templates, drawn by WeasyPrint: signed consent forms, session and course reports.

Nothing is fetched while drawing: a template carries its styles in a <style> element, and images come in as
data: URIs (`data_uri`) made by the caller from files it has already access-checked. A link to anything else
(http:, file:, a path) is refused, so no document can leak a request or read a file of the server.
"""

import base64
import re

from django.template.loader import render_to_string
from django.utils.html import escape

SVG_START = re.compile(r"<svg\b[^>]*>")


def data_uri(content: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def render_pdf(template_name: str, context: dict, svg_stylesheet: str = "") -> bytes:
    """The template drawn as a PDF. WeasyPrint styles an inline SVG from <style> elements inside it only (fill,
    stroke… are no HTML properties): the rules of `svg_stylesheet` (CSS text) go into each SVG of the page."""
    # Imported here: WeasyPrint loads the system's Pango when imported, and the rest of the app runs without it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context)
    if svg_stylesheet:
        styles = f"<style>{escape(svg_stylesheet)}</style>"
        html = SVG_START.sub(lambda start: start[0] + styles, html)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
