"""Safe decoding of untrusted images (selfies, document photos, liveness frames).

Every image a client sends is hostile until proven otherwise. The order of the checks is the
defence: byte size first (cheap), then the format from the magic bytes (never the file name or
the client's content type), then width and height read from the header only, and only then the
pixel decoding, inside a handler that turns every decoder failure into a clear domain error.

The result is a plain RGB uint8 array: EXIF orientation has been applied and all metadata
(EXIF with GPS position and device serials, XMP, ICC, text chunks, trailing polyglot payloads)
is gone, because only the pixels survive. `encode_jpeg` re-encodes such an array for storage,
so what is kept at rest carries no metadata either.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image, UnidentifiedImageError

from services.common.errors import InvalidArgument, ResourceExhausted
from services.identity.core.reasons import ImageReason

RgbImage = npt.NDArray[np.uint8]
"""H x W x 3, uint8, RGB order, C-contiguous."""

_MAGIC: Final = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"%PDF", "PDF"),
)

# EXIF orientation tag (0x0112) value -> the transpose that makes the image upright.
_ORIENTATION_FIX: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_EXIF_ORIENTATION: Final = 0x0112

# What a corrupt or hostile file makes Pillow and its C decoders raise.
_DECODER_ERRORS: Final = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)


@dataclass(frozen=True, slots=True)
class ImageLimits:
    """Caps applied before decoding. The defaults fit phone photos of documents and selfies.

    `max_pixels` bounds memory (3 bytes per pixel once decoded: 50 MP is 150 MB) and is what
    stops decompression bombs: a 100 kB PNG can declare 40 000 x 40 000 pixels.
    """

    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 50_000_000
    max_side: int = 16_384
    min_side: int = 32
    formats: frozenset[str] = frozenset({"JPEG", "PNG", "WEBP"})


DEFAULT_LIMITS: Final = ImageLimits()


@dataclass(frozen=True, slots=True)
class DecodedImage:
    """Upright RGB pixels of an accepted image; no metadata survives decoding."""

    pixels: RgbImage
    source_format: str
    exif_orientation: int

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])


def decode_image(
    data: bytes, limits: ImageLimits = DEFAULT_LIMITS, *, field: str = "image"
) -> DecodedImage:
    """Decode untrusted bytes into upright RGB pixels, or raise a domain error.

    Raises `ResourceExhausted` (reason IMAGE_TOO_LARGE) for byte or pixel caps, and
    `InvalidArgument` with a FieldViolation on `field` for empty, unsupported, too small or
    corrupt images (reasons IMAGE_EMPTY, IMAGE_FORMAT_UNSUPPORTED, IMAGE_TOO_SMALL,
    IMAGE_CORRUPT).
    """
    _check_byte_size(data, limits, field)
    fmt = sniff_format(data)
    if fmt not in limits.formats:
        allowed = ", ".join(sorted(limits.formats))
        raise _invalid(
            field,
            f"format {fmt} is not accepted (send {allowed})",
            ImageReason.IMAGE_FORMAT_UNSUPPORTED,
        )
    image = _open_header(data, fmt, field)
    _check_dimensions(image.size, limits, field)
    if getattr(image, "is_animated", False):
        raise _invalid(
            field, "animated images are not accepted", ImageReason.IMAGE_FORMAT_UNSUPPORTED
        )
    orientation = _read_orientation(image)
    _load_pixels(image, field)
    upright = _to_rgb(image, field)
    if orientation in _ORIENTATION_FIX:
        upright = upright.transpose(_ORIENTATION_FIX[orientation])
    pixels = np.ascontiguousarray(np.asarray(upright, dtype=np.uint8))
    return DecodedImage(pixels=pixels, source_format=fmt, exif_orientation=orientation)


def sniff_format(data: bytes) -> str:
    """The container format named by the magic bytes; "UNKNOWN" when none matches."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "HEIF"
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return "UNKNOWN"


def encode_jpeg(pixels: RgbImage, quality: int = 92) -> bytes:
    """Re-encode RGB pixels as a baseline JPEG with no metadata (for storage at rest)."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _check_byte_size(data: bytes, limits: ImageLimits, field: str) -> None:
    if not data:
        raise InvalidArgument.for_field(field, "the image is empty", reason=ImageReason.IMAGE_EMPTY)
    if len(data) > limits.max_bytes:
        raise ResourceExhausted(
            f"{field}: {len(data)} bytes exceeds the {limits.max_bytes}-byte limit",
            reason=ImageReason.IMAGE_TOO_LARGE,
        )


def _open_header(data: bytes, fmt: str, field: str) -> Image.Image:
    """Parse the header only (Pillow decodes lazily) with exactly one format plugin."""
    try:
        return Image.open(io.BytesIO(data), formats=[fmt])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own bomb guard fires in open() above ~89 MP; ours is lower, same answer.
        raise ResourceExhausted(f"{field}: {exc}", reason=ImageReason.IMAGE_TOO_LARGE) from exc
    except (UnidentifiedImageError, *_DECODER_ERRORS) as exc:
        raise _invalid(field, f"not a readable {fmt} image", ImageReason.IMAGE_CORRUPT) from exc


def _check_dimensions(size: tuple[int, int], limits: ImageLimits, field: str) -> None:
    width, height = size
    if width > limits.max_side or height > limits.max_side or width * height > limits.max_pixels:
        raise ResourceExhausted(
            f"{field}: {width}x{height} pixels exceeds the limits "
            f"({limits.max_side} per side, {limits.max_pixels} in total)",
            reason=ImageReason.IMAGE_TOO_LARGE,
        )
    if min(width, height) < limits.min_side:
        raise InvalidArgument.for_field(
            field,
            f"{width}x{height} pixels is below the {limits.min_side}-pixel minimum side",
            reason=ImageReason.IMAGE_TOO_SMALL,
        )


def _read_orientation(image: Image.Image) -> int:
    """EXIF orientation 1..8; 1 when absent or unreadable (odd EXIF is common on phones)."""
    try:
        value = image.getexif().get(_EXIF_ORIENTATION, 1)
    except _DECODER_ERRORS:
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _load_pixels(image: Image.Image, field: str) -> None:
    try:
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ResourceExhausted(f"{field}: {exc}", reason=ImageReason.IMAGE_TOO_LARGE) from exc
    except _DECODER_ERRORS as exc:
        raise _invalid(
            field, "the image data is truncated or corrupt", ImageReason.IMAGE_CORRUPT
        ) from exc


def _to_rgb(image: Image.Image, field: str) -> Image.Image:
    """Any accepted pixel mode to 8-bit RGB; transparency is flattened onto white."""
    try:
        if image.mode.startswith("I"):
            return _wide_gray_to_rgb(image)
        if image.mode in ("P", "PA") or "A" in image.mode or "a" in image.mode:
            return _flatten_alpha(image.convert("RGBA"))
        return image if image.mode == "RGB" else image.convert("RGB")
    except _DECODER_ERRORS as exc:
        raise _invalid(
            field, f"pixel mode {image.mode} cannot be read", ImageReason.IMAGE_CORRUPT
        ) from exc


def _wide_gray_to_rgb(image: Image.Image) -> Image.Image:
    """16-bit (and 32-bit integer) grayscale scaled to 8 bits; Pillow's own convert clips."""
    wide = np.asarray(image, dtype=np.uint32) if image.mode == "I" else np.asarray(image)
    gray = (np.clip(wide.astype(np.uint32), 0, 65535) >> 8).astype(np.uint8)
    return Image.fromarray(np.dstack([gray, gray, gray]))


def _flatten_alpha(rgba: Image.Image) -> Image.Image:
    background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, rgba).convert("RGB")


def _invalid(field: str, description: str, reason: ImageReason) -> InvalidArgument:
    return InvalidArgument.for_field(field, description, reason=reason)
