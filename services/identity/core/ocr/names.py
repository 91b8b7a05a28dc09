"""The most probable name field that obeys the ICAO name grammar.

No check digit covers the names, so the glyph classifier alone would decide them; but their
shape is fixed (ICAO 9303-3 §4.6): primary identifier words joined by `<`, then `<<`, then
secondary identifier words joined by `<`, then fillers to the end (or a truncation). In regex
terms `[A-Z]+(<[A-Z]+)*(<<([A-Z]+(<[A-Z]+)*)?)?<*`. A letter after the trailing fillers, or a
third identifier group, is impossible, so a Viterbi pass over that automaton turns a
`<<<<CCC<<<` misread back into fillers while leaving a well-read name exactly as it was.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from services.identity.core.ocr.render import ALPHABET
from services.identity.core.ocr.segment import FloatArray

# States: in a primary word, after one `<` in the primary, after `<<`, in a secondary word,
# after one `<` in the secondaries, in the trailing fillers.
_PRIMARY, _PRIMARY_GAP, _SEPARATOR, _SECONDARY, _SECONDARY_GAP, _FILL = range(6)
_LETTER_FROM: Final = {
    _PRIMARY: (_PRIMARY, _PRIMARY_GAP),
    _SECONDARY: (_SEPARATOR, _SECONDARY, _SECONDARY_GAP),
}
_FILLER_FROM: Final = {
    _PRIMARY_GAP: (_PRIMARY,),
    _SEPARATOR: (_PRIMARY_GAP,),
    _SECONDARY_GAP: (_SECONDARY,),
    _FILL: (_SEPARATOR, _SECONDARY_GAP, _FILL),
}
_LETTERS: Final = np.array([c.isalpha() for c in ALPHABET])
_FILLER: Final = ALPHABET.index("<")


def decode_names(probabilities: FloatArray) -> str:
    """The grammatical name field maximising the product of the cells' probabilities."""
    logs = np.log(np.maximum(probabilities, 1e-12))
    letters = np.where(_LETTERS, logs, -np.inf)
    best_letter = letters.argmax(axis=1)
    score = [-math.inf] * 6
    score[_PRIMARY] = float(letters[0, best_letter[0]])
    back: list[list[int]] = [[_PRIMARY] * 6]
    for i in range(1, len(logs)):
        step = [-math.inf] * 6
        came = [0] * 6
        for state, sources in (*_LETTER_FROM.items(), *_FILLER_FROM.items()):
            gain = (
                float(letters[i, best_letter[i]])
                if state in _LETTER_FROM
                else float(logs[i, _FILLER])
            )
            source = max(sources, key=lambda s: score[s])
            step[state], came[state] = score[source] + gain, source
        score = step
        back.append(came)
    return _trace(score, back, best_letter)


def _trace(score: list[float], back: list[list[int]], best_letter: np.ndarray) -> str:
    state = int(np.argmax(score))
    chars = []
    for i in range(len(back) - 1, -1, -1):
        chars.append(ALPHABET[int(best_letter[i])] if state in _LETTER_FROM else "<")
        state = back[i][state]
    return "".join(reversed(chars))
