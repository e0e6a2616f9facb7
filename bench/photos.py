"""Benchmark: our thumbnails (JPEG draft decoding) against a full decode + resize of the same file.

Usage: make bench-photos [BENCH_ARGS="--photos 20"]
Makes a 12-megapixel phone-like JPEG (4000 x 3000, EXIF orientation 6, about 3.5 MB like a phone's)
in memory, then times both ways on it in one run and prints the time per photo and the speed-up.
Decoding time follows the file's entropy: a smoother photo gains more, pure noise less.
"""

import argparse
import sys
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageFilter

from sessions.thumbnails import make_thumbnail, make_thumbnail_by_full_decode


def phone_photo():
    """A 12 MP JPEG with fine detail: softened noise over a gradient compresses like a phone photo."""
    noise = Image.effect_noise((4000, 3000), 30).convert("RGB").filter(ImageFilter.GaussianBlur(0.6))
    gradient = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    photo = Image.blend(noise, gradient, 0.5)
    exif = Image.Exif()
    exif[0x0112] = 6  # held in portrait
    buffer = BytesIO()
    photo.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def per_photo(make, source, photos):
    make(BytesIO(source))  # warm up
    started = time.perf_counter()
    for _ in range(photos):
        make(BytesIO(source))
    return (time.perf_counter() - started) / photos


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=10, help="Photos to time each way (default 10).")
    args = parser.parse_args()
    source = phone_photo()
    ours = per_photo(make_thumbnail, source, args.photos)
    full = per_photo(make_thumbnail_by_full_decode, source, args.photos)
    print(f"Thumbnail of a 12 MP JPEG ({len(source) / 1e6:.1f} MB, 4000x3000, EXIF orientation 6), {args.photos} runs:")
    print(f"  ours (draft decoding, then rotate)  {ours * 1000:7.1f} ms per photo")
    print(f"  full decode + exif_transpose + resize {full * 1000:7.1f} ms per photo")
    print(f"  speed-up: {full / ours:.1f}×")


if __name__ == "__main__":
    main()
