"""Colour science in native torch: sRGB <-> CIELAB, the ab gamut at a lightness, colour bins.

No weights, no Qt. Tensors are (*, C, H, W) float; the ``*_np`` wrappers take channel-last
float arrays.
"""

from ideepcolor_app.color.bins import BinSet
from ideepcolor_app.color.gamut import (
    PICKER_TOL,
    ab_gamut_at,
    ab_to_pixel,
    gamut_image,
    in_gamut,
    pixel_to_ab,
)
from ideepcolor_app.color.lab import (
    lab_to_rgb,
    lab_to_rgb_np,
    rgb_to_l,
    rgb_to_l_np,
    rgb_to_lab,
    rgb_to_lab_np,
)
from ideepcolor_app.color.norm import AB_NORM, L_CENT, L_NORM, denormalize_ab, normalize_ab, normalize_l
from ideepcolor_app.color.swatch import (
    BinScatter,
    ReferenceImage,
    bin_scatter,
    clamp_ab,
    contrast_hex,
    hex_to_lab,
    lab_to_hex,
    lab_to_rgb_u8,
    labs_to_rgb_u8,
    prepare_reference,
    probs_at,
    shrink_rgb,
)

__all__ = [
    "AB_NORM",
    "L_CENT",
    "L_NORM",
    "denormalize_ab",
    "normalize_ab",
    "normalize_l",
    "PICKER_TOL",
    "BinSet",
    "ab_gamut_at",
    "ab_to_pixel",
    "gamut_image",
    "in_gamut",
    "lab_to_rgb",
    "lab_to_rgb_np",
    "pixel_to_ab",
    "rgb_to_l",
    "rgb_to_l_np",
    "rgb_to_lab",
    "rgb_to_lab_np",
    "BinScatter",
    "ReferenceImage",
    "bin_scatter",
    "clamp_ab",
    "contrast_hex",
    "hex_to_lab",
    "lab_to_hex",
    "lab_to_rgb_u8",
    "labs_to_rgb_u8",
    "shrink_rgb",
    "prepare_reference",
    "probs_at",
]
