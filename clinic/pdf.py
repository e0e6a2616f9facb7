"""PDF documents from Django templates, drawn by WeasyPrint: signed consent forms, session and course reports.

Nothing is fetched while drawing: a template carries its styles in a <style> element, and images come in as
data: URIs (`data_uri`) made by the caller from files it has already access-checked. A link to anything else
(http:, file:, a path) is refused, so no document can leak a request or read a file of the server.
"""

import base64

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher


def data_uri(content: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def render_pdf(template_name: str, context: dict) -> bytes:
    html = render_to_string(template_name, context)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
