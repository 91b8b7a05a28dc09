"""Country names, list spellings and nationality adjectives -> ISO 3166-1 alpha-2.

Every list spells countries its own way: OFAC writes "Korea, North" and "Burma", the UN
"Iran (Islamic Republic of)" and "Democratic People's Republic of Korea", OFSI "Congo
(Democratic Republic)", the EU annexes nationalities as adjectives ("Iranian", "DPRK").
`to_iso2` maps all of them through one normalised lookup built from pycountry (official,
common and short names of every ISO country) plus the spellings below, which were collected
from the real lists. A string it does not know returns None: the parsers then keep it in the
party's remarks rather than guessing a country (the model forbids non-ISO codes).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pycountry

# Spellings seen in the lists that pycountry does not carry. Keys are normalised (see _key).
_ALIASES: dict[str, str] = {
    "korea north": "KP",
    "north korea": "KP",
    "dprk": "KP",
    "democratic peoples republic of korea": "KP",
    "korea dprk": "KP",
    "korea south": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "burma": "MM",
    "myanmar burma": "MM",
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "vietnam": "VN",
    "viet nam": "VN",
    "moldova": "MD",
    "tanzania": "TZ",
    "bolivia": "BO",
    "venezuela": "VE",
    "taiwan": "TW",
    "macau": "MO",
    "macao": "MO",
    "brunei": "BN",
    "turkey": "TR",
    "turkiye": "TR",
    "czech republic": "CZ",
    "cote d ivoire": "CI",
    "ivory coast": "CI",
    "cape verde": "CV",
    "swaziland": "SZ",
    "the gambia": "GM",
    "gambia the": "GM",
    "bahamas the": "BS",
    "the bahamas": "BS",
    "palestinian": "PS",
    "palestine": "PS",
    "occupied palestinian territory": "PS",
    "gaza": "PS",
    "gaza strip": "PS",
    "west bank": "PS",
    "kosovo": "XK",
    "congo democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "congo democratic republic": "CD",
    "drc": "CD",
    "congo republic of the": "CG",
    "republic of the congo": "CG",
    "congo republic": "CG",
    "congo": "CG",
    "north macedonia the republic of": "MK",
    "macedonia": "MK",
    "the former yugoslav republic of macedonia": "MK",
    "virgin islands british": "VG",
    "british virgin islands": "VG",
    "man isle of": "IM",
    "netherlands antilles": "AN",
    "holy see": "VA",
    "vatican": "VA",
    "united states of america": "US",
    "usa": "US",
    "us": "US",
    "uk": "GB",
    "great britain": "GB",
    "united kingdom": "GB",
    "uae": "AE",
    "east timor": "TL",
    "micronesia": "FM",
    "sao tome and principe": "ST",
    "saint kitts and nevis": "KN",
    "st kitts and nevis": "KN",
    "yugoslavia": "RS",
    "federal republic of yugoslavia": "RS",
    "bosnia herzegovina": "BA",
    "bosnia": "BA",
    "st vincent and the grenadines": "VC",
    "hong kong sar": "HK",
    "hong kong china": "HK",
    "china hong kong special administrative region": "HK",
    "state of palestine": "PS",
    "palestinian territories": "PS",
    "occupied palestinian territories": "PS",
    "palestinian authority": "PS",
    "britain": "GB",
    "cabo verde": "CV",
    "republic of moldova": "MD",
    # Misspellings printed in the lists themselves.
    "belrus": "BY",
    "sundan": "SD",
    "uzbekhistan": "UZ",
    "afgan": "AF",
    "repubic of moldova": "MD",
    "republic of moldovia": "MD",
    "moldovian": "MD",
}

# Nationality adjectives (EU annexes, OFSI, OFAC "nationality possibly ...").
_DEMONYMS: dict[str, str] = {
    "afghan": "AF", "albanian": "AL", "algerian": "DZ", "american": "US", "angolan": "AO",
    "argentine": "AR", "argentinian": "AR", "armenian": "AM", "australian": "AU",
    "austrian": "AT", "azerbaijani": "AZ", "azeri": "AZ", "bahraini": "BH",
    "bangladeshi": "BD", "belarusian": "BY", "belarussian": "BY", "belgian": "BE",
    "beninese": "BJ", "bolivian": "BO", "bosnian": "BA", "brazilian": "BR", "british": "GB",
    "bulgarian": "BG", "burkinabe": "BF", "burmese": "MM", "burundian": "BI",
    "cambodian": "KH", "cameroonian": "CM", "canadian": "CA", "central african": "CF",
    "chadian": "TD", "chilean": "CL", "chinese": "CN", "colombian": "CO", "congolese": "CD",
    "croatian": "HR", "cuban": "CU", "cypriot": "CY", "czech": "CZ", "danish": "DK",
    "djiboutian": "DJ", "dominican": "DO", "dutch": "NL", "ecuadorian": "EC",
    "egyptian": "EG", "emirati": "AE", "eritrean": "ER", "estonian": "EE",
    "ethiopian": "ET", "filipino": "PH", "finnish": "FI", "french": "FR", "gabonese": "GA",
    "gambian": "GM", "georgian": "GE", "german": "DE", "ghanaian": "GH", "greek": "GR",
    "guatemalan": "GT", "guinean": "GN", "haitian": "HT", "honduran": "HN",
    "hungarian": "HU", "indian": "IN", "indonesian": "ID", "iranian": "IR", "iraqi": "IQ",
    "irish": "IE", "israeli": "IL", "italian": "IT", "ivorian": "CI", "jamaican": "JM",
    "japanese": "JP", "jordanian": "JO", "kazakh": "KZ", "kazakhstani": "KZ",
    "kenyan": "KE", "kosovar": "XK", "kuwaiti": "KW", "kyrgyz": "KG", "lao": "LA",
    "laotian": "LA", "latvian": "LV", "lebanese": "LB", "liberian": "LR", "libyan": "LY",
    "lithuanian": "LT", "macedonian": "MK", "malagasy": "MG", "malaysian": "MY",
    "maldivian": "MV", "malian": "ML", "maltese": "MT", "mauritanian": "MR",
    "mexican": "MX", "moldovan": "MD", "mongolian": "MN", "montenegrin": "ME",
    "moroccan": "MA", "mozambican": "MZ", "myanmar": "MM", "namibian": "NA",
    "nepalese": "NP", "nepali": "NP", "nicaraguan": "NI", "nigerian": "NG",
    "nigerien": "NE", "north korean": "KP", "norwegian": "NO", "omani": "OM",
    "pakistani": "PK", "palestinian": "PS", "panamanian": "PA", "paraguayan": "PY",
    "peruvian": "PE", "philippine": "PH", "polish": "PL", "portuguese": "PT",
    "qatari": "QA", "romanian": "RO", "russian": "RU", "rwandan": "RW", "salvadoran": "SV",
    "saudi": "SA", "saudi arabian": "SA", "senegalese": "SN", "serbian": "RS",
    "sierra leonean": "SL", "singaporean": "SG", "slovak": "SK", "slovenian": "SI",
    "somali": "SO", "south african": "ZA", "south korean": "KR", "south sudanese": "SS",
    "spanish": "ES", "sri lankan": "LK", "sudanese": "SD", "swedish": "SE", "swiss": "CH",
    "syrian": "SY", "taiwanese": "TW", "tajik": "TJ", "tajikistani": "TJ", "tanzanian": "TZ",
    "thai": "TH", "togolese": "TG", "trinidadian": "TT", "tunisian": "TN", "turkish": "TR",
    "turkmen": "TM", "ugandan": "UG", "ukrainian": "UA", "uruguayan": "UY", "uzbek": "UZ",
    "uzbekistani": "UZ", "venezuelan": "VE", "vietnamese": "VN", "yemeni": "YE",
    "zambian": "ZM", "zimbabwean": "ZW",
}  # fmt: skip

# Words that qualify a country without changing it ("Russian Federation (citizen)").
_QUALIFIERS = re.compile(
    r"\b(?:possibly|probably|allegedly|reportedly|presumed|citizen(?:ship)?|national|"
    r"nationality|by birth|origin|born|formerly|former|assumed|ssr|sfsr|autonomous|"
    r"soviet socialist republic)\b",
    re.IGNORECASE,
)
_REGION_PREFIX = re.compile(r"^region\s*:\s*", re.IGNORECASE)
# "Former USSR, now Ukraine", "Ukrainian SSR (now Ukraine)": the current country is meant.
_NOW = re.compile(r"\b(?:now|currently)\b\s*(?P<current>[^()]+)", re.IGNORECASE)
# Separators between several countries in one cell: "(a) German, (b) Moroccan", "Syrian/Iranian".
_SEVERAL = re.compile(r"\(?\b[a-h]\)|,|;|/|\.\s", re.IGNORECASE)
_CONJUNCTION = re.compile(r"\band/or\b|\band\b", re.IGNORECASE)


def _key(text: str) -> str:
    """Case-, accent- and punctuation-blind key: "Côte d'Ivoire" -> "cote d ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).split())


@cache
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        code = str(country.alpha_2)
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                table.setdefault(_key(str(name)), code)
        table.setdefault(_key(str(country.alpha_3)), code)
    table.update(_ALIASES)
    table.update(_DEMONYMS)
    return table


@cache
def to_iso2(text: str | None) -> str | None:
    """ISO alpha-2 for a country name, list spelling or nationality adjective; None if unknown.

    Tries, in order: the text as written, an alpha-2 code, "Korea, North" turned into
    "North Korea", the text without a trailing parenthesis ("Iran (Islamic Republic of)"
    is found by its full form first, then as "Iran"), and without qualifiers such as
    "possibly" or "(citizen)".
    """
    if not text or not text.strip():
        return None
    table = _table()
    raw = _REGION_PREFIX.sub("", text.strip())
    for candidate in _candidates(raw):
        key = _key(candidate)
        if key in table:
            return table[key]
        if len(key) == 2 and key.isalpha() and pycountry.countries.get(alpha_2=key.upper()):
            return key.upper()
    return None


def _candidates(raw: str) -> list[str]:
    candidates = [raw]
    now = _NOW.search(raw)
    if now:
        candidates.append(now.group("current").strip(" .,)"))
    if "," in raw:
        head, _, tail = raw.partition(",")
        candidates.append(f"{tail} {head}")
    without_paren = re.sub(r"\s*\([^)]*\)\s*", " ", raw).strip()
    if without_paren and without_paren != raw:
        candidates.append(without_paren)
    unqualified = _QUALIFIERS.sub(" ", without_paren or raw).strip(" ,.;")
    if unqualified and unqualified not in candidates:
        candidates.append(unqualified)
    return candidates


def split_countries(text: str) -> tuple[list[str], list[str]]:
    """Every country in a cell that may name several ("Russian, Ukrainian", "(a) German,
    (b) Moroccan", "Syrian/Iranian"): (ISO codes in order, pieces that did not map).

    The whole cell is tried first, so "Korea, North" stays one country.
    """
    whole = to_iso2(text)
    if whole is not None:
        return [whole], []
    codes: list[str] = []
    unknown: list[str] = []
    for piece in _pieces(text):
        code = to_iso2(piece)
        if code is None:
            unknown.append(piece)
        elif code not in codes:
            codes.append(code)
    return codes, unknown


def _pieces(text: str) -> list[str]:
    """Split on list separators; split on "and" only where the piece is not a country
    itself ("Trinidad and Tobago" stays whole, "Russian and Belarusian" splits)."""
    pieces: list[str] = []
    for piece in _SEVERAL.split(text):
        piece = piece.strip(" .,;()")
        if not piece:
            continue
        if to_iso2(piece) is None and _CONJUNCTION.search(piece):
            pieces.extend(p.strip(" .,;()") for p in _CONJUNCTION.split(piece) if p.strip())
        else:
            pieces.append(piece)
    return pieces


def countries_in(texts: list[str] | tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Map many cells at once: (unique ISO codes in order, pieces that did not map)."""
    codes: list[str] = []
    unknown: list[str] = []
    for text in texts:
        found, missed = split_countries(text)
        codes.extend(code for code in found if code not in codes)
        unknown.extend(missed)
    return tuple(codes), tuple(unknown)
