"""The OCR-B glyph classifier: one-hidden-layer perceptrons over normalised cells, numpy only.

37 classes (A-Z, 0-9, `<`). The weights live in `data/glyphs.npz`, written by
`python -m services.identity.core.ocr.train` from renders of the vendored font; nothing is
downloaded and nothing but numpy runs at inference. Probabilities (not only the best class) are
returned because the check-digit correction needs the runners-up of uncertain positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from services.identity.core.ocr.render import ALPHABET
from services.identity.core.ocr.segment import FloatArray

MODEL_PATH: Final = Path(__file__).parent / "data" / "glyphs.npz"


@dataclass(frozen=True, slots=True)
class Perceptron:
    """Standardise, ReLU hidden layer, softmax over ALPHABET."""

    mean: FloatArray
    scale: FloatArray
    w1: FloatArray
    b1: FloatArray
    w2: FloatArray
    b2: FloatArray

    def probabilities(self, cells: FloatArray) -> FloatArray:
        """(n, len(ALPHABET)) class probabilities of `n` cells of CELL_SHAPE."""
        x = (features(cells) - self.mean) * self.scale
        hidden = np.maximum(_product(x, self.w1) + self.b1, 0.0)
        return softmax(_product(hidden, self.w2) + self.b2)


@dataclass(frozen=True, slots=True)
class GlyphModel:
    """Perceptrons trained on different renders (seeds), probabilities averaged: each member
    errs on different unusual glyphs (a low-resolution E, a sans-serif I), the average rarely."""

    members: tuple[Perceptron, ...]

    def probabilities(self, cells: FloatArray) -> FloatArray:
        """(n, len(ALPHABET)) class probabilities of `n` cells of CELL_SHAPE."""
        votes = [member.probabilities(cells) for member in self.members]
        return np.asarray(np.mean(votes, axis=0), np.float32)

    def save(self, path: Path) -> None:
        def stack(name: str) -> npt.NDArray[np.float16]:
            return np.stack([getattr(m, name) for m in self.members]).astype(np.float16)

        np.savez_compressed(
            path,
            alphabet=np.array(ALPHABET),
            mean=stack("mean"),
            scale=stack("scale"),
            w1=stack("w1"),
            b1=stack("b1"),
            w2=stack("w2"),
            b2=stack("b2"),
        )


_FIELDS: Final = ("mean", "scale", "w1", "b1", "w2", "b2")


def _product(a: FloatArray, b: FloatArray) -> FloatArray:
    """a @ b without BLAS: these products are tiny (~100 x 480 x 256), and a multi-threaded
    BLAS call on a busy machine (Celery workers beside each other) stalls for tens of ms
    waiting for its threads, where numpy's own single-threaded loop takes about one."""
    return np.asarray(np.einsum("ij,jk->ik", a, b, optimize=False), np.float32)


def features(cells: FloatArray) -> FloatArray:
    """The cell's pixels, flattened: the cells are already aligned on the pitch grid and
    scaled by the line's ink, which is the normalisation that matters for a fixed font."""
    return cells.reshape(len(cells), -1).astype(np.float32)


def softmax(logits: npt.NDArray[np.float32]) -> FloatArray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True), np.float32)


def load_model(path: Path = MODEL_PATH) -> GlyphModel:
    """Read a model written by `GlyphModel.save`; ValueError if trained on another alphabet."""
    with np.load(path) as data:
        if str(data["alphabet"]) != ALPHABET:
            raise ValueError(f"{path} was trained for another alphabet")
        stacked = {name: np.asarray(data[name], np.float32) for name in _FIELDS}
    if stacked["mean"].ndim == 1:  # a single perceptron, saved without the member axis
        stacked = {name: array[None] for name, array in stacked.items()}
    count = len(stacked["mean"])
    return GlyphModel(
        tuple(Perceptron(**{n: a[i] for n, a in stacked.items()}) for i in range(count))
    )


@cache
def default_model() -> GlyphModel:
    """The shipped model, loaded once per process."""
    return load_model()
