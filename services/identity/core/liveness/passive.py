"""Passive presentation-attack heuristics: is this face a re-photographed screen or print?

A BASELINE, NOT A CERTIFIED PAD. Each heuristic looks for one physical artefact of a
recapture; none is a learned model, and an attacker who knows them can avoid them (a sharp
high-resolution print, a screen shot at a non-aliasing distance, no glare). They are behind the
`PresentationAttackDetector` Protocol so a trained model or a vendor can replace them.
Measured APCER/BPCER (bench/identity) are on synthetic attacks plus two real samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np
import numpy.typing as npt

from services.identity.core.face_model import Box
from services.identity.core.images import RgbImage
from services.identity.core.reasons import LivenessReason


@dataclass(frozen=True, slots=True)
class PadScores:
    """The raw value of every heuristic on one frame (higher = more attack-like)."""

    moire: float
    print_texture: float
    glare: float


@dataclass(frozen=True, slots=True)
class PadThresholds:
    """Scores at or above these raise the heuristic's reason.

    Set above the highest value seen on the 64 bona fide images of the shared faces (moire
    2.68, glare 0.096). Print texture moves with the face box (0.38-0.48 on one bona fide
    photo across detector stages), so its threshold keeps a wide margin and it only adds the
    coarsest prints; `python -m bench identity --only=pad` prints the rates these give.
    """

    moire: float = 2.8
    print_texture: float = 0.6
    glare: float = 0.12


@dataclass(frozen=True, slots=True)
class PadAssessment:
    """Scores and the reasons they raised; `attack_suspected` when any reason is present."""

    scores: PadScores
    reasons: tuple[LivenessReason, ...]

    @property
    def attack_suspected(self) -> bool:
        return bool(self.reasons)


class PresentationAttackDetector(Protocol):
    """Judges one frame with its face box; implementations must be pure and thread-safe."""

    def assess(self, pixels: RgbImage, face: Box) -> PadAssessment: ...


@dataclass(frozen=True, slots=True)
class HeuristicPad:
    """The baseline detector: moire, print texture and glare heuristics with thresholds."""

    thresholds: PadThresholds = PadThresholds()

    def assess(self, pixels: RgbImage, face: Box) -> PadAssessment:
        scores = pad_scores(pixels, face)
        reasons = tuple(
            reason
            for score, limit, reason in (
                (scores.moire, self.thresholds.moire, LivenessReason.SCREEN_SUSPECTED),
                (
                    scores.print_texture,
                    self.thresholds.print_texture,
                    LivenessReason.PRINT_SUSPECTED,
                ),
                (scores.glare, self.thresholds.glare, LivenessReason.GLARE_SUSPECTED),
            )
            if score >= limit
        )
        return PadAssessment(scores, reasons)


def pad_scores(pixels: RgbImage, face: Box) -> PadScores:
    """All heuristics on the face of one frame."""
    window = _face_window(pixels, face)
    return PadScores(
        moire=moire_score(window),
        print_texture=print_texture_score(window),
        glare=glare_score(_clip(pixels, face)),
    )


def moire_score(window: RgbImage) -> float:
    """Strongest isolated peak of the whitened spectrum of the face (log units above the
    median of its frequency ring).

    A screen's sub-pixel grid, sampled again by the attacker's camera, aliases into moire:
    a few sharp spectral peaks; a halftone print's dot screen does the same. Skin and hair
    have smooth spectra. The two axes are ignored because JPEG's 8x8 blocks put peaks there.
    """
    gray = cv2.cvtColor(window, cv2.COLOR_RGB2GRAY).astype(np.float64)
    size = gray.shape[0]
    taper = np.outer(np.hanning(size), np.hanning(size))
    spectrum = np.log1p(np.abs(np.fft.fftshift(np.fft.fft2((gray - gray.mean()) * taper))))
    ring = _ring_index(size)
    ring_median = np.array([np.median(spectrum[ring == k]) for k in range(int(ring.max()) + 1)])
    whitened = spectrum - ring_median[ring]
    return float(whitened[_peak_band(size)].max())


def print_texture_score(window: RgbImage) -> float:
    """Fine-scale colour noise relative to fine-scale brightness detail.

    Printed skin is made of cyan, magenta and yellow dots, so its colour changes from one
    pixel to the next even where the tone is flat; a camera's own colour noise is smoothed
    away by demosaicing and JPEG chroma subsampling, and real skin's colour is smooth.
    """
    ycc = cv2.cvtColor(window, cv2.COLOR_RGB2YCrCb).astype(np.float64)
    fine = [channel - cv2.GaussianBlur(channel, (0, 0), 1.5) for channel in cv2.split(ycc)]
    luma = float(np.std(fine[0])) + 1.0
    return float(np.std(fine[1]) + np.std(fine[2])) / luma


def glare_score(face: RgbImage) -> float:
    """Share of the face box that is blown-out, colourless highlight.

    Skin's own highlights are small and keep some colour; a glossy print or a screen's glass
    reflects lamps and windows as large white patches over the face.
    """
    if face.size == 0:
        return 0.0
    hsv = cv2.cvtColor(face, cv2.COLOR_RGB2HSV)
    blown = (hsv[..., 2] > 242) & (hsv[..., 1] < 30)
    return float(blown.mean())


# The spectral window: at most this many native pixels (no resampling: it would smooth away
# the very aliasing we look for).
_WINDOW = 256


def _face_window(pixels: RgbImage, face: Box) -> RgbImage:
    """A square of native pixels centred on the face (1.2 face widths, at most _WINDOW)."""
    height, width = pixels.shape[:2]
    side = min(_WINDOW, int(face.width * 1.2), height, width)
    side -= side % 2
    side = max(side, 16)
    cx, cy = (face.left + face.right) // 2, (face.top + face.bottom) // 2
    x0 = min(max(0, cx - side // 2), max(0, width - side))
    y0 = min(max(0, cy - side // 2), max(0, height - side))
    return np.ascontiguousarray(pixels[y0 : y0 + side, x0 : x0 + side])


def _clip(pixels: RgbImage, face: Box) -> RgbImage:
    """The face box clipped to the image (dlib boxes may extend past the borders)."""
    top, left = max(0, face.top), max(0, face.left)
    return np.ascontiguousarray(pixels[top : max(top, face.bottom), left : max(left, face.right)])


def _ring_index(size: int) -> npt.NDArray[np.intp]:
    ys, xs = np.mgrid[0:size, 0:size] - size // 2
    return np.asarray(np.rint(np.hypot(ys, xs)), dtype=np.intp)


def _peak_band(size: int) -> npt.NDArray[np.bool_]:
    """Mid-to-high frequencies, off the two axes (JPEG block artefacts live on them)."""
    ys, xs = np.mgrid[0:size, 0:size] - size // 2
    radius = np.hypot(ys, xs) / (size / 2.0)
    off_axes = (np.abs(xs) > 2) & (np.abs(ys) > 2)
    return np.asarray((radius > 0.08) & (radius < 0.95) & off_axes, dtype=np.bool_)
