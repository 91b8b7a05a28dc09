"""The Japanese reading of a personal name written in kanji.

Han characters are read differently in Chinese, Japanese and Korean: 山田太郎 is "Shan Tian Tai
Lang" in pinyin and "Yamada Taro" on the man's passport. A Japanese name's reading cannot be
derived character by character (山田 is yama + da), so it comes from a dictionary: Janome's
bundled MeCab IPADIC, which lists surnames and given names with their readings.

A reading is only offered when the dictionary reads the whole name as a personal name, surname
first (姓 then 名): Chinese names and organisation names are left to pinyin. The reading is
written as Japanese passports write it (Hepburn without long vowels: Tarō -> TARO, Ichirou ->
ICHIRO). It is an extra form of the name, never a replacement, so a wrong guess costs at most
a candidate.

The tokenizer is loaded on first use (about 0.7 s; the dictionary is memory-mapped), so a
process that never meets a kanji name never pays for it.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

import jaconv

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PERSON_NAME = "名詞,固有名詞,人名"
_SURNAME = "名詞,固有名詞,人名,姓"
# Passports drop the long vowels Hepburn marks with a macron (ō, ū): "ou" and "oo" are "o".
_LONG_VOWELS = (("ou", "o"), ("oo", "o"), ("uu", "u"))
_LONGEST_NAME = 12
# Chinese surnames read in Japanese are one short syllable (李 "Ri", 王 "O"); Japanese
# surnames are longer (林 "Hayashi", 森 "Mori"). Shorter ones are left to pinyin.
_SHORTEST_SURNAME = 3

_lock = threading.Lock()
_tokenizers: list[Any] = []


def _tokenize(text: str) -> list[tuple[str, str]]:
    """(part of speech, katakana reading) of each token (Janome is not thread-safe)."""
    with _lock:
        if not _tokenizers:
            from janome.tokenizer import Tokenizer

            _tokenizers.append(Tokenizer(mmap=True))
        return [(t.part_of_speech, t.reading) for t in _tokenizers[0].tokenize(text)]


def _passport_hepburn(katakana: str) -> str:
    latin: str = jaconv.kana2alphabet(jaconv.kata2hira(katakana))
    for long, short in _LONG_VOWELS:
        latin = latin.replace(long, short)
    return latin


@lru_cache(maxsize=4096)
def japanese_reading(text: str) -> str | None:
    """ "山田太郎" -> "Yamada Taro"; None unless the whole text reads as a Japanese personal
    name (surname first) written in kanji."""
    compact = "".join(text.split())
    if not compact or len(compact) > _LONGEST_NAME or not _HAN.search(compact):
        return None
    tokens = _tokenize(compact)
    if not tokens or not tokens[0][0].startswith(_SURNAME):
        return None
    words: list[str] = []
    for part_of_speech, reading in tokens:
        if not part_of_speech.startswith(_PERSON_NAME) or not reading or reading == "*":
            return None
        words.append(_passport_hepburn(reading).capitalize())
    if len(words) < 2 or len(words[0]) < _SHORTEST_SURNAME:
        return None
    return " ".join(words)
