"""Reading the MRZ from a document image: band location, fixed-pitch segmentation, an OCR-B
glyph classifier trained on renders of the vendored public-domain font, and check-digit-guided
correction. Pure: numpy, OpenCV and Pillow only."""

from services.identity.core.ocr.reader import MrzReading, read_mrz

__all__ = ["MrzReading", "read_mrz"]
