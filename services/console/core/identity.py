"""An identity check shown to an officer: document and selfie, face distance, MRZ breakdown.

What the console reads from an identity alert's evidence (all optional): `face_distance` and
`face_threshold` (distance at or below the threshold = same person), `reason_codes`,
`decision`, `images` `{"document": <evidence file name or id>, "selfie": ...}` naming case
evidence attachments, and `mrz` shaped like the identity area's `MrzReading`:
`{lines: [...], fields: {...}, checks: [{name, found, expected, valid, line, column}],
issues: [{code, field, detail}]}`. Each MRZ character is tagged so the page can show the check
digits that hold in green and the ones that fail in red.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DEFAULT_FACE_THRESHOLD = 0.6  # face_recognition's documented tolerance
MAX_MRZ_LINE = 44  # TD3; longer "lines" are not an MRZ and are cut


@dataclass(frozen=True, slots=True)
class MrzChar:
    """One MRZ character and what it is: plain, a check digit that holds, or one that fails."""

    char: str
    kind: str  # "plain" | "check-ok" | "check-bad"
    title: str


@dataclass(frozen=True, slots=True)
class MrzCheckRow:
    name: str
    found: str
    expected: str
    valid: bool


@dataclass(frozen=True, slots=True)
class IdentityView:
    decision: str
    reason_codes: tuple[str, ...]
    face_distance: float | None
    face_threshold: float
    document_ref: str
    selfie_ref: str
    mrz_lines: tuple[tuple[MrzChar, ...], ...]
    mrz_fields: tuple[tuple[str, str], ...]
    mrz_checks: tuple[MrzCheckRow, ...]
    mrz_issues: tuple[tuple[str, str, str], ...]

    @property
    def face_verdict(self) -> str:
        """'same person', 'different person' or '' when no distance was measured."""
        if self.face_distance is None:
            return ""
        return "same person" if self.face_distance <= self.face_threshold else "different person"


def _checks(raw: object) -> list[Mapping[str, object]]:
    return [c for c in raw if isinstance(c, Mapping)] if isinstance(raw, list) else []


def _position(check: Mapping[str, object]) -> tuple[int, int] | None:
    line, column = check.get("line"), check.get("column")
    if isinstance(line, int) and isinstance(column, int):
        return line, column
    return None


def mrz_characters(
    lines: Sequence[str], checks: Sequence[Mapping[str, object]]
) -> tuple[tuple[MrzChar, ...], ...]:
    """Each line as characters, with check digits marked valid or invalid where they sit."""
    marks: dict[tuple[int, int], tuple[str, str]] = {}
    for check in checks:
        position = _position(check)
        if position is None:
            continue
        ok = bool(check.get("valid"))
        name = str(check.get("name") or "check digit")
        title = f"{name}: {'valid' if ok else 'expected ' + str(check.get('expected', '?'))}"
        marks[position] = ("check-ok" if ok else "check-bad", title)
    return tuple(
        tuple(
            MrzChar(ch, *marks.get((row, col), ("plain", "")))
            for col, ch in enumerate(line[:MAX_MRZ_LINE])
        )
        for row, line in enumerate(lines)
    )


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _strings(raw: object) -> tuple[str, ...]:
    return tuple(str(v) for v in raw) if isinstance(raw, list) else ()


def mapping(value: object) -> Mapping[str, object]:
    """`value` if it is a JSON object, else an empty one (evidence is free JSON)."""
    return value if isinstance(value, Mapping) else {}


def identity_view(evidence: Mapping[str, object]) -> IdentityView:
    """The identity panel for one alert's evidence."""
    mrz = mapping(evidence.get("mrz"))
    checks = _checks(mrz.get("checks"))
    fields = mapping(mrz.get("fields"))
    images = mapping(evidence.get("images"))
    issues = _checks(mrz.get("issues"))
    return IdentityView(
        decision=str(evidence.get("decision") or ""),
        reason_codes=_strings(evidence.get("reason_codes")),
        face_distance=_float(evidence.get("face_distance")),
        face_threshold=_float(evidence.get("face_threshold")) or DEFAULT_FACE_THRESHOLD,
        document_ref=str(images.get("document") or ""),
        selfie_ref=str(images.get("selfie") or ""),
        mrz_lines=mrz_characters(_strings(mrz.get("lines")), checks),
        mrz_fields=tuple((str(k), str(v)) for k, v in fields.items()),
        mrz_checks=tuple(
            MrzCheckRow(
                str(c.get("name", "")),
                str(c.get("found", "")),
                str(c.get("expected", "")),
                bool(c.get("valid")),
            )
            for c in checks
        ),
        mrz_issues=tuple(
            (str(i.get("code", "")), str(i.get("field", "")), str(i.get("detail", "")))
            for i in issues
        ),
    )
