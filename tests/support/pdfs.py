"""Reading a PDF back as a person or a program would: its text (pdftotext) and its images (pdfimages), both from
Debian's poppler-utils (.ci/run installs it)."""

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

POPPLER_MISSING = "pdftotext/pdfimages not found: install Debian's poppler-utils"


@dataclass(frozen=True)
class PdfContents:
    text: str
    images: list  # (width, height) of each image drawn, in page order
    pages: int

    @property
    def flowing(self):
        """The text with every line break and run of spaces as one space: a phrase wrapped over lines is found."""
        return " ".join(self.text.split())


def _poppler(name):
    found = shutil.which(name)
    if not found:
        pytest.fail(POPPLER_MISSING)
    return found


def read_pdf(pdf: bytes) -> PdfContents:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        text = subprocess.run([_poppler("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True)
        listed = subprocess.run([_poppler("pdfimages"), "-list", str(path)], capture_output=True, text=True, check=True)
    rows = [line.split() for line in listed.stdout.splitlines()[2:]]
    images = [(int(row[3]), int(row[4])) for row in rows if row[2] == "image"]
    return PdfContents(text=text.stdout, images=images, pages=text.stdout.count("\f"))


def first_page_image(pdf: bytes, dpi=72) -> Image.Image:
    """The first page drawn as pixels (pdftoppm), to check what only the eye sees: colours, fills."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            [
                _poppler("pdftoppm"),
                "-png",
                "-r",
                str(dpi),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(path),
                f"{folder}/page",
            ],
            check=True,
        )
        with Image.open(Path(folder) / "page.png") as page:
            return page.convert("RGB")
