"""Photo decoding to upright float32 sRGB and atomic PNG / JPEG / WebP / TIFF writing; no Qt."""

from ideepcolor_app.imageio.read import DEFAULT_MAX_PIXELS, ImageReadError, Photo, read_photo
from ideepcolor_app.imageio.write import (
    SUPPORTED_OUTPUT_SUFFIXES,
    ImageWriteError,
    output_suffix_for,
    write_image,
)

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "SUPPORTED_OUTPUT_SUFFIXES",
    "ImageReadError",
    "ImageWriteError",
    "Photo",
    "output_suffix_for",
    "read_photo",
    "write_image",
]
