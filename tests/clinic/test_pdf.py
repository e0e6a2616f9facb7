"""PDF documents are drawn from templates with nothing fetched from outside: images come in as data: URIs."""

import pytest

from clinic.pdf import data_uri, render_pdf
from tests.support.images import jpeg_bytes
from tests.support.pdfs import first_page_image, read_pdf


@pytest.fixture
def template(tmp_path, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    (tmp_path / "document.html").write_text(
        "<html><body><h1>{{ title }}</h1><img src='{{ image }}'><img src='{{ elsewhere }}'></body></html>"
    )
    return "document.html"


def test_a_template_becomes_a_pdf_with_its_text_and_its_data_uri_image_only(template, tmp_path):
    server_file = tmp_path / "server-file.jpg"
    server_file.write_bytes(jpeg_bytes(32, 32))

    pdf = read_pdf(
        render_pdf(
            template,
            {
                "title": "Session report",
                "image": data_uri(jpeg_bytes(64, 48), "image/jpeg"),
                "elsewhere": server_file.as_uri(),
            },
        )
    )

    assert "Session report" in pdf.text and pdf.pages == 1
    assert pdf.images == [(64, 48)]  # the file: image was never read


@pytest.mark.parametrize(("svg_stylesheet", "colour"), [(".box { fill: #ff0000; }", (255, 0, 0)), ("", (0, 0, 0))])
def test_the_svg_stylesheet_styles_each_inline_svg(tmp_path, settings, svg_stylesheet, colour):
    """WeasyPrint styles an SVG from <style> elements inside it only: the SVG stylesheet is put there."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    (tmp_path / "map.html").write_text(
        '<html><body><svg viewBox="0 0 10 10" width="200" height="200"><rect class="box" width="10" height="10"/>'
        "</svg></body></html>"
    )

    page = first_page_image(render_pdf("map.html", {}, svg_stylesheet=svg_stylesheet))

    assert page.getpixel((100, 100)) == colour
