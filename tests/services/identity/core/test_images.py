"""Hostile and awkward images: every one is decoded correctly or refused with a clear reason."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from services.common.errors import InvalidArgument, ResourceExhausted
from services.identity.core.images import (
    ImageLimits,
    decode_image,
    encode_jpeg,
    sniff_format,
)
from services.identity.core.reasons import ImageReason


def _save(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def _gradient(width: int = 120, height: int = 80) -> Image.Image:
    x = np.linspace(0, 255, width, dtype=np.uint8)
    rgb = np.dstack([np.tile(x, (height, 1))] * 3)
    rgb[..., 2] = 40
    return Image.fromarray(rgb)


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _png_bomb(width: int, height: int, *, complete: bool) -> bytes:
    """A grayscale PNG declaring width x height; `complete` streams all-zero rows into IDAT."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    idat = b""
    if complete:
        row = b"\x00" * (width + 1)
        idat = b"".join(compressor.compress(row) for _ in range(height))
    idat += compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _jpeg_with_declared_size(width: int, height: int) -> bytes:
    """A real small JPEG whose SOF header is patched to claim another size."""
    data = bytearray(_save(_gradient(), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


# --- accepted images -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_allowed_formats_decode_to_rgb(fmt: str) -> None:
    decoded = decode_image(_save(_gradient(), fmt))
    assert decoded.pixels.shape == (80, 120, 3)
    assert decoded.pixels.dtype == np.uint8
    assert decoded.source_format == fmt
    # The gradient survives (lossy formats within a small tolerance).
    assert abs(int(decoded.pixels[40, 119, 0]) - 255) <= 6
    assert abs(int(decoded.pixels[40, 0, 0])) <= 6


def test_exif_orientation_is_applied_then_dropped() -> None:
    image = Image.new("RGB", (100, 50), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 20, 50))  # red band on the stored left edge
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was rotated: display rotated 90 degrees clockwise
    exif[0x010F] = "ACME phone"
    data = _save(image, "JPEG", exif=exif.tobytes(), quality=95)

    decoded = decode_image(data)

    assert decoded.exif_orientation == 6
    assert decoded.pixels.shape == (100, 50, 3)  # portrait now
    assert decoded.pixels[5, 25, 0] > 200  # the red band is at the top after rotation
    assert decoded.pixels[95, 25, 2] > 200
    stored = encode_jpeg(decoded.pixels)
    assert b"Exif" not in stored
    assert b"ACME" not in stored
    assert Image.open(io.BytesIO(stored)).getexif().get(0x0112) is None


# Pillow (TiffImagePlugin) warns about the corrupt EXIF it skips; we only care about the outcome.
@pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning")
def test_unreadable_exif_counts_as_upright() -> None:
    data = bytearray(_save(_gradient(), "JPEG"))
    garbage_app1 = b"\xff\xe1\x00\x10Exif\x00\x00MM\x00*\xff\xff\xff\xff"
    data[2:2] = garbage_app1
    decoded = decode_image(bytes(data))
    assert decoded.exif_orientation == 1
    assert decoded.pixels.shape == (80, 120, 3)


def test_cmyk_jpeg_becomes_rgb() -> None:
    cmyk = Image.new("CMYK", (64, 64), (0, 255, 255, 0))  # pure red ink mix
    decoded = decode_image(_save(cmyk, "JPEG", quality=95))
    red, green, blue = (int(v) for v in decoded.pixels[32, 32])
    assert red > 200
    assert green < 60
    assert blue < 60


def test_sixteen_bit_grayscale_png_is_scaled_not_clipped() -> None:
    wide = np.full((64, 64), 32768, dtype=np.uint16)  # mid-gray in 16 bits
    decoded = decode_image(_save(Image.fromarray(wide), "PNG"))
    assert int(decoded.pixels[10, 10, 0]) == 128
    assert decoded.pixels.shape == (64, 64, 3)


def _half_transparent(mode: str) -> bytes:
    if mode == "P":  # palette with a transparent index (tRNS chunk)
        palette = Image.new("P", (64, 64), 0)
        palette.putpalette([0, 0, 0, 200, 0, 0])
        palette.paste(1, (0, 0, 32, 64))
        return _save(palette, "PNG", transparency=0)
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    image.paste((200, 0, 0, 255), (0, 0, 32, 64))
    return _save(image.convert(mode), "PNG")


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P"])
def test_transparency_is_flattened_onto_white(mode: str) -> None:
    decoded = decode_image(_half_transparent(mode))
    assert tuple(int(v) for v in decoded.pixels[32, 60]) == (255, 255, 255)
    assert int(decoded.pixels[32, 5, 1]) < 100


def test_palette_and_bilevel_images_decode() -> None:
    palette = _gradient().convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    bilevel = _gradient().convert("1")
    assert decode_image(_save(palette, "PNG")).pixels.shape == (80, 120, 3)
    assert set(np.unique(decode_image(_save(bilevel, "PNG")).pixels)) <= {0, 255}


def test_polyglot_payload_does_not_survive_reencoding() -> None:
    payload = b"PK\x03\x04<script>alert(document.cookie)</script>"
    data = _save(_gradient(), "JPEG") + payload
    decoded = decode_image(data)
    assert payload not in encode_jpeg(decoded.pixels)
    assert b"<script>" not in encode_jpeg(decoded.pixels)


# --- refused images --------------------------------------------------------------------------


def test_empty_bytes_are_refused() -> None:
    with pytest.raises(InvalidArgument) as exc:
        decode_image(b"", field="selfie")
    assert exc.value.reason == ImageReason.IMAGE_EMPTY
    assert exc.value.violations[0].field == "selfie"


def test_byte_cap_is_checked_first() -> None:
    with pytest.raises(ResourceExhausted) as exc:
        decode_image(b"\xff\xd8\xff" + b"\x00" * 2000, ImageLimits(max_bytes=1000))
    assert exc.value.reason == ImageReason.IMAGE_TOO_LARGE


def test_decompression_bomb_is_refused_from_its_header() -> None:
    # 100 kB on the wire, 400 MP once decoded; the IDAT is deliberately incomplete, so a
    # TOO_LARGE answer (not CORRUPT) proves nothing was decoded.
    with pytest.raises(ResourceExhausted) as exc:
        decode_image(_png_bomb(20_000, 20_000, complete=False))
    assert exc.value.reason == ImageReason.IMAGE_TOO_LARGE


def test_complete_bomb_over_a_tight_pixel_cap_is_refused() -> None:
    bomb = _png_bomb(3000, 3000, complete=True)
    assert len(bomb) < 50_000  # 9 MP of zeros compresses to almost nothing
    with pytest.raises(ResourceExhausted) as exc:
        decode_image(bomb, ImageLimits(max_pixels=4_000_000))
    assert "3000x3000" in exc.value.message


def test_pillow_bomb_guard_is_mapped_too() -> None:
    # 200 000 x 200 000 trips Pillow's own guard inside Image.open, before our check.
    with pytest.raises(ResourceExhausted) as exc:
        decode_image(_png_bomb(200_000, 200_000, complete=False), ImageLimits(max_side=10**6))
    assert exc.value.reason == ImageReason.IMAGE_TOO_LARGE


def test_jpeg_declaring_huge_dimensions_is_refused() -> None:
    with pytest.raises(ResourceExhausted) as exc:
        decode_image(_jpeg_with_declared_size(60_000, 60_000))
    assert exc.value.reason == ImageReason.IMAGE_TOO_LARGE


def test_one_side_over_the_cap_is_refused() -> None:
    with pytest.raises(ResourceExhausted):
        decode_image(_png_bomb(20_000, 40, complete=False), ImageLimits(max_side=16_384))


def test_tiny_image_is_refused() -> None:
    with pytest.raises(InvalidArgument) as exc:
        decode_image(_save(_gradient(16, 16), "PNG"))
    assert exc.value.reason == ImageReason.IMAGE_TOO_SMALL


@pytest.mark.parametrize("keep", [0.9, 0.5, 0.1])
def test_truncated_jpeg_is_corrupt(keep: float) -> None:
    data = _save(_gradient(400, 300), "JPEG")
    with pytest.raises(InvalidArgument) as exc:
        decode_image(data[: int(len(data) * keep)])
    assert exc.value.reason == ImageReason.IMAGE_CORRUPT


def test_truncated_png_is_corrupt() -> None:
    data = _save(_gradient(400, 300), "PNG")
    with pytest.raises(InvalidArgument) as exc:
        decode_image(data[: len(data) // 2])
    assert exc.value.reason == ImageReason.IMAGE_CORRUPT


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff" + bytes(range(256)) * 4,  # JPEG magic, then noise
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # PNG signature, broken IHDR
        b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 32,  # WebP container, broken VP8
    ],
)
def test_garbage_behind_valid_magic_is_corrupt(data: bytes) -> None:
    with pytest.raises(InvalidArgument) as exc:
        decode_image(data)
    assert exc.value.reason == ImageReason.IMAGE_CORRUPT


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (_save(_gradient(), "GIF"), "GIF"),
        (_save(_gradient(), "BMP"), "BMP"),
        (_save(_gradient(), "TIFF"), "TIFF"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "UNKNOWN"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "HEIF"),
        (b"%PDF-1.7\n", "PDF"),
    ],
)
def test_formats_outside_the_allow_list_are_refused(data: bytes, named: str) -> None:
    assert sniff_format(data) == named
    with pytest.raises(InvalidArgument) as exc:
        decode_image(data)
    assert exc.value.reason == ImageReason.IMAGE_FORMAT_UNSUPPORTED
    assert named in exc.value.message


def test_a_narrower_allow_list_is_honoured() -> None:
    with pytest.raises(InvalidArgument) as exc:
        decode_image(_save(_gradient(), "WEBP"), ImageLimits(formats=frozenset({"JPEG"})))
    assert exc.value.reason == ImageReason.IMAGE_FORMAT_UNSUPPORTED


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_animated_images_are_refused(fmt: str) -> None:
    frames = [_gradient(), _gradient().transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    data = _save(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)
    with pytest.raises(InvalidArgument) as exc:
        decode_image(data)
    assert exc.value.reason == ImageReason.IMAGE_FORMAT_UNSUPPORTED


def _decode_outcome(data: bytes) -> str:
    """ "OK" or the domain reason; anything else (a crash) propagates and fails the test."""
    try:
        decode_image(data)
    except (InvalidArgument, ResourceExhausted) as exc:
        return exc.reason
    return "OK"


def test_random_corruptions_never_crash() -> None:
    rng = np.random.default_rng(7)
    valid = _save(_gradient(), "JPEG")
    outcomes = set()
    for _ in range(200):
        mutated = bytearray(valid)
        for index in rng.integers(0, len(mutated), size=8):
            mutated[int(index)] = int(rng.integers(0, 256))
        outcomes.add(_decode_outcome(bytes(mutated)))
    assert outcomes <= {"OK", *(reason.value for reason in ImageReason)}
    assert ImageReason.IMAGE_CORRUPT in outcomes
