"""Synthetic specimen documents: a passport data page (TD3) or an ID card (TD1), rendered.

For demos, end-to-end tests and the MRZ benchmark: a document-like page (tinted security paper
with guilloche, header, VIZ fields, the holder's portrait pasted from a real face photo) and the
MRZ printed in OCR-B from the given fields with valid check digits, then optionally
photographed badly (tilt up to ±5°, perspective, blur, noise, JPEG). Deterministic by seed.

The page is drawn at 8 px/mm, so the MRZ pitch (2.54 mm) is about 20 px and the portrait is
large enough for the document face policy (eyes >= 24 px apart). Issuer codes default to
`UTO`, the ICAO specimen state, so a specimen can never be mistaken for a real document.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Final

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from services.identity.core.face_model import default_face_model
from services.identity.core.images import RgbImage, encode_jpeg
from services.identity.core.mrz import check_digit
from services.identity.core.ocr.render import LineStyle, render_block
from services.identity.core.ocr.synth import Distortion, FloatImage, Rng, distort, paper, print_ink

PX_PER_MM: Final = 8.0
_MRZ_PITCH_MM: Final = 2.54  # ICAO 9303-3: 10 characters per inch
_MRZ_CAP_MM: Final = 2.45


class DocumentKind(StrEnum):
    PASSPORT = "TD3"
    ID_CARD = "TD1"


@dataclass(frozen=True, slots=True)
class HolderFields:
    """What the document says about its holder; names in Latin capitals (already transliterated)."""

    surname: str
    given_names: str
    document_number: str
    birth_date: date
    expiry_date: date
    sex: str = "F"
    nationality: str = "UTO"
    issuing_state: str = "UTO"
    personal_number: str = ""


def _field(value: str, width: int) -> str:
    cleaned = "".join(c if c.isalnum() else "<" for c in value.upper())
    return cleaned[:width].ljust(width, "<")


def _yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


def _with_check(value: str) -> str:
    return value + str(check_digit(value))


def _names(fields: HolderFields, width: int) -> str:
    given = "<".join(fields.given_names.upper().split())
    return _field(f"{'<'.join(fields.surname.upper().split())}<<{given}", width)


def td3_mrz(fields: HolderFields, document_code: str = "P") -> tuple[str, str]:
    """The two 44-character lines of a passport (ICAO 9303-4), every check digit computed."""
    line1 = _field(document_code, 2) + _field(fields.issuing_state, 3) + _names(fields, 39)
    number = _with_check(_field(fields.document_number, 9))
    birth = _with_check(_yymmdd(fields.birth_date))
    expiry = _with_check(_yymmdd(fields.expiry_date))
    personal = _field(fields.personal_number, 14)
    personal_check = str(check_digit(personal)) if fields.personal_number else "<"
    body = (
        number
        + _field(fields.nationality, 3)
        + birth
        + _field(fields.sex, 1)
        + expiry
        + personal
        + personal_check
    )
    composite = body[0:10] + body[13:20] + body[21:43]
    return line1, body + str(check_digit(composite))


def td1_mrz(fields: HolderFields, document_code: str = "ID") -> tuple[str, str, str]:
    """The three 30-character lines of an ID card (ICAO 9303-5), every check digit computed."""
    number = _with_check(_field(fields.document_number, 9))
    line1 = (
        _field(document_code, 2)
        + _field(fields.issuing_state, 3)
        + number
        + _field(fields.personal_number, 15)
    )
    birth = _with_check(_yymmdd(fields.birth_date))
    expiry = _with_check(_yymmdd(fields.expiry_date))
    line2 = birth + _field(fields.sex, 1) + expiry + _field(fields.nationality, 3) + "<" * 11
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    return line1, line2 + str(check_digit(composite)), _names(fields, 30)


_SURNAMES: Final = (
    "ERIKSSON", "MUELLER", "NOVAK", "GARCIA LOPEZ", "OKAFOR", "NGUYEN", "KOWALSKA", "DUBOIS",
    "ROSSI", "VAN DER BERG", "SILVA", "OBRIEN", "HASSAN", "TANAKA", "IVANOVA", "MARTIN",
)  # fmt: skip
_GIVEN: Final = (
    "ANNA MARIA", "JOHN", "LUCIA", "MOHAMED ALI", "SOFIA", "PIOTR", "CHIAMAKA", "ELENA",
    "JEAN PIERRE", "MEI", "OLIVIA GRACE", "KENJI", "FATIMA", "LUKAS", "ISABELLA", "NOAH",
)  # fmt: skip
_ALNUM: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def random_fields(rng: Rng) -> HolderFields:
    """Plausible holder fields: random names, number, dates and sex."""
    birth = date(int(rng.integers(1940, 2006)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    expiry = date(int(rng.integers(2026, 2036)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    length = int(rng.integers(6, 10))
    number = "".join(_ALNUM[int(i)] for i in rng.integers(0, len(_ALNUM), size=length))
    personal = "".join(str(d) for d in rng.integers(0, 10, size=int(rng.integers(0, 2)) * 10))
    return HolderFields(
        surname=str(rng.choice(_SURNAMES)),
        given_names=str(rng.choice(_GIVEN)),
        document_number=number,
        birth_date=birth,
        expiry_date=expiry,
        sex=str(rng.choice(["F", "M", "<"])),
        personal_number=personal,
    )


@dataclass(frozen=True, slots=True)
class SpecimenOptions:
    """`distortion` None: a flat scan of the page; else a photo of it on a desk."""

    kind: DocumentKind = DocumentKind.PASSPORT
    distortion: Distortion | None = None
    seed: int = 0


PHOTO: Final = Distortion()
"""The capture defects the benchmark's generated set uses (±5°, 3 % perspective, ...)."""


@dataclass(frozen=True, slots=True)
class Specimen:
    pixels: RgbImage
    mrz: tuple[str, ...]
    fields: HolderFields


ACCEPT_SPECIMENS_ENV: Final = {"WARDEN_IDENTITY_ACCEPT_SPECIMEN_DOCUMENTS": "true"}
"""What a process that is shown these documents needs in its environment: their issuer is UTO,
the ICAO specimen state, which identity refuses unless told otherwise (demos, tests, benches)."""

VALID_FOR_YEARS: Final = date(2034, 5, 31)
"""An expiry date that keeps a demo's or a test's document valid for years."""


def specimen_jpeg(
    fields: HolderFields, portrait: RgbImage | None, options: SpecimenOptions = SpecimenOptions()
) -> bytes:
    """The rendered document as an applicant's app uploads it: a JPEG (quality 92)."""
    return encode_jpeg(render_specimen(fields, portrait, options).pixels, quality=92)


def render_specimen(
    fields: HolderFields, portrait: RgbImage | None, options: SpecimenOptions
) -> Specimen:
    """The document image and the MRZ lines printed on it."""
    rng = np.random.default_rng(options.seed)
    passport = options.kind is DocumentKind.PASSPORT
    mrz: tuple[str, ...] = td3_mrz(fields) if passport else td1_mrz(fields)
    size_mm = (125.0, 88.0) if passport else (85.6, 54.0)
    page = paper(rng, round(size_mm[1] * PX_PER_MM), round(size_mm[0] * PX_PER_MM))
    _print_header(page, passport, fields)
    photo_box = _portrait_box(passport)
    if portrait is not None:
        _paste_portrait(page, portrait, photo_box)
    _print_viz(page, fields, passport, photo_box)
    _print_mrz(page, mrz, rng)
    if options.distortion is None:
        return Specimen(np.clip(page, 0, 255).astype(np.uint8), mrz, fields)
    return Specimen(_photograph(page, rng, options.distortion), mrz, fields)


def _mm(value: float) -> int:
    return round(value * PX_PER_MM)


def _portrait_box(passport: bool) -> tuple[int, int, int, int]:
    """(x, y, w, h) of the portrait zone: 35 x 45 mm on a passport; 19 x 24 mm on a card, whose
    lower 17 mm hold the three MRZ lines."""
    return (_mm(6), _mm(14), _mm(35), _mm(45)) if passport else (_mm(4), _mm(10), _mm(19), _mm(24))


def _paste_portrait(page: FloatImage, portrait: RgbImage, box: tuple[int, int, int, int]) -> None:
    """Paste the photo, centre-cropped to the zone's aspect (use `head_and_shoulders` first for
    a photo where the face is small)."""
    x, y, w, h = box
    region = _centre_top(portrait, w / h)
    page[y : y + h, x : x + w] = cv2.resize(region, (w, h), interpolation=cv2.INTER_AREA).astype(
        np.float32
    )


def head_and_shoulders(photo: RgbImage, aspect: float = 35 / 45) -> RgbImage:
    """A portrait crop, twice the face's width, around the largest face (dlib HOG), as an ICAO
    portrait frames it (9303-3: the face fills most of the zone); the centre-top if no face."""
    scale = min(1.0, 640 / max(photo.shape[:2]))
    small = (
        cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if scale < 1
        else photo
    )
    found = default_face_model().detect(np.ascontiguousarray(small), 1, 0.0)
    if not found:
        return _centre_top(photo, aspect)
    face = max(found, key=lambda d: d.box.area).box.scaled(1.0 / scale)
    crop_w = min(photo.shape[1], int(face.width * 2.0))
    crop_h = min(photo.shape[0], int(crop_w / aspect))
    crop_w = int(crop_h * aspect)
    cx, cy = (face.left + face.right) / 2, (face.top + face.bottom) / 2
    left = int(np.clip(cx - crop_w / 2, 0, photo.shape[1] - crop_w))
    top = int(np.clip(cy - 0.42 * crop_h, 0, photo.shape[0] - crop_h))
    return photo[top : top + crop_h, left : left + crop_w]


def _centre_top(portrait: RgbImage, aspect: float) -> RgbImage:
    height, width = portrait.shape[:2]
    if width / height > aspect:
        crop_w = int(height * aspect)
        left = (width - crop_w) // 2
        return portrait[:, left : left + crop_w]
    crop_h = int(width / aspect)
    top = max(0, min(height - crop_h, int((height - crop_h) * 0.3)))
    return portrait[top : top + crop_h]


def _font(size_mm: float) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled scalable font: VIZ text needs no system font and no download.
    return ImageFont.load_default(size=max(8, _mm(size_mm)))


def _draw_text(
    page: FloatImage, items: list[tuple[tuple[int, int], str, float]], colour: int
) -> None:
    """Draw text items ((x, y), text, size in mm) as ink through an alpha layer."""
    layer = Image.new("L", (page.shape[1], page.shape[0]), 0)
    draw = ImageDraw.Draw(layer)
    for origin, text, size in items:
        draw.text(origin, text, font=_font(size), fill=255)
    alpha = np.asarray(layer, np.float32)[:, :, None] / 255.0
    page[:] = page * (1 - alpha) + colour * alpha


def _print_header(page: FloatImage, passport: bool, fields: HolderFields) -> None:
    title = "PASSPORT / PASSEPORT" if passport else "IDENTITY CARD"
    page[: _mm(9)] = page[: _mm(9)] * 0.55 + np.array([40, 70, 120], np.float32) * 0.45
    _draw_text(page, [((_mm(6), _mm(2)), f"{title}   {fields.issuing_state}", 4.0)], 250)


def _print_viz(
    page: FloatImage, fields: HolderFields, passport: bool, photo: tuple[int, int, int, int]
) -> None:
    """Labelled fields right of the portrait, as on an ICAO data page (zones III-V)."""
    x = photo[0] + photo[2] + _mm(5)
    rows = (
        ("Surname / Nom", fields.surname),
        ("Given names / Prenoms", fields.given_names),
        ("Nationality", fields.nationality),
        ("Date of birth", fields.birth_date.strftime("%d %b %Y").upper()),
        ("Sex", fields.sex.replace("<", "X")),
        ("Document no.", fields.document_number),
        ("Date of expiry", fields.expiry_date.strftime("%d %b %Y").upper()),
    )
    step = (photo[3] - _mm(2)) / len(rows)
    label_mm, value_mm = (1.6, 2.6) if passport else (1.1, 1.6)
    items: list[tuple[tuple[int, int], str, float]] = []
    for index, (label, value) in enumerate(rows):
        top = photo[1] + int(index * step)
        items.append(((x, top), label, label_mm))
        items.append(((x, top + _mm(label_mm + 0.3)), value, value_mm))
    _draw_text(page, items, 30)


def _print_mrz(page: FloatImage, lines: tuple[str, ...], rng: Rng) -> None:
    style = LineStyle(cap_height=_MRZ_CAP_MM * PX_PER_MM, pitch_ratio=_MRZ_PITCH_MM / _MRZ_CAP_MM)
    ink = render_block(lines, style, spacing=1.75)
    x = (page.shape[1] - ink.shape[1]) // 2
    y = page.shape[0] - ink.shape[0] - _mm(3)
    print_ink(page, ink, (x, y), rng)


def _photograph(page: FloatImage, rng: Rng, distortion: Distortion) -> RgbImage:
    """The page on a darker desk with a margin (so tilt does not crop it), then captured."""
    margin = int(0.08 * page.shape[1])
    desk = np.empty((page.shape[0] + 2 * margin, page.shape[1] + 2 * margin, 3), np.float32)
    desk[:] = rng.uniform(40, 120, size=3)
    desk[margin:-margin, margin:-margin] = page
    return distort(desk, rng, distortion)


def with_distortion(options: SpecimenOptions, distortion: Distortion | None) -> SpecimenOptions:
    return replace(options, distortion=distortion)
