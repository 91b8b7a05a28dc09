"""A small generated portrait PNG for demos and tests (no third-party images in the repo)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def sample_portrait(seed: int, size: int = 160) -> bytes:
    """A flat, obviously synthetic 'portrait' whose colours depend on `seed`."""
    hue = (seed * 67) % 255
    image = Image.new("RGB", (size, size), (230, 230 - hue // 4, 220))
    draw = ImageDraw.Draw(image)
    draw.ellipse((size * 0.28, size * 0.15, size * 0.72, size * 0.62), fill=(hue, 160, 120))
    draw.rectangle((size * 0.2, size * 0.66, size * 0.8, size), fill=(60, 80, 120 + hue // 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
