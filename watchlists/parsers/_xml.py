"""Defensive XML loading: no DTDs, no entities, no network, bounded size and depth.

List files come from the internet; an XML parser that expands entities ("billion laughs"),
fetches external entities (file or network reads, SSRF) or recurses without bound is a
denial-of-service or data-leak vector. defusedxml refuses DTDs, entity declarations and
external references outright (`forbid_dtd=True`); expat never touches the network; the
file-size cap bounds memory; a depth cap bounds the tree. Every refusal is a `ListFileError`
naming the file.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from watchlists.errors import ListFileError
from watchlists.parsers._io import DEFAULT_LIMITS, Limits, read_capped


def load_xml(path: Path, limits: Limits = DEFAULT_LIMITS) -> ET.Element:
    """The root element of a list file, after every defensive check."""
    return parse_xml_bytes(path, read_capped(path, limits), limits)


def parse_xml_bytes(path: Path, data: bytes, limits: Limits = DEFAULT_LIMITS) -> ET.Element:
    """Parse bytes already read (and size-checked) from `path`."""
    if not data.strip():
        raise ListFileError(path, "file is empty")
    depth = 0
    root: ET.Element | None = None
    events = iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                root = element if root is None else root
                if depth > limits.max_xml_depth:
                    raise ListFileError(path, f"XML nested deeper than {limits.max_xml_depth}")
            else:
                depth -= 1
    except DefusedXmlException as exc:
        raise ListFileError(path, f"forbidden XML construct refused: {exc}") from exc
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise ListFileError(path, f"malformed XML: {exc}", line=line) from exc
    if root is None:
        raise ListFileError(path, "no root element")
    return root


def text_of(element: ET.Element | None, tag: str) -> str:
    """Collapsed text of a direct child, "" if absent."""
    if element is None:
        return ""
    child = element.find(tag)
    return " ".join(child.text.split()) if child is not None and child.text else ""


def values_of(element: ET.Element, tag: str) -> list[str]:
    """Texts of <TAG><VALUE>..</VALUE>..</TAG> (the UN list's multi-value idiom)."""
    out: list[str] = []
    for container in element.findall(tag):
        for value in container.findall("VALUE"):
            if value.text and value.text.strip():
                out.append(" ".join(value.text.split()))
    return out
