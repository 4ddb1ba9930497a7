"""Network families (hints, propagated_hints, zhang, gan, fusion, their *_lite heads on the shared
EfficientNet-Lite0 encoder, and the plain baseline), their registry and the official-weights import.

Importing this package registers every built-in family.
"""

from .base import ColorNet, NetConfig
from .fusion import FusionConfig, FusionNet
from .fusion_lite import FusionLiteConfig, FusionLiteNet
from .gan_lite import GanLiteConfig, GanLiteGenerator
from .hints_unet import HintsCache, HintsConfig, HintsUNet
from .official import OFFICIAL_FILES, convert_official, identify_official
from .pix2pix import PatchDiscriminator, PatchDiscriminatorConfig, Pix2PixConfig, Pix2PixGenerator
from .plain import PlainConfig, PlainEncoderDecoder
from .propagated_hints import PropagatedCache, PropagatedHintsConfig, PropagatedHintsNet
from .registry import (
    UnknownNetworkError,
    build_network,
    known_families,
    network_class,
    preset_config,
    register_network,
)
from .zhang import ZhangConfig, ZhangNet
from .zhang_lite import ZhangLiteConfig, ZhangLiteNet

__all__ = [
    "OFFICIAL_FILES",
    "ColorNet",
    "FusionConfig",
    "FusionNet",
    "FusionLiteConfig",
    "FusionLiteNet",
    "GanLiteConfig",
    "GanLiteGenerator",
    "HintsCache",
    "HintsConfig",
    "HintsUNet",
    "NetConfig",
    "PatchDiscriminator",
    "PlainConfig",
    "PlainEncoderDecoder",
    "PropagatedCache",
    "PropagatedHintsConfig",
    "PropagatedHintsNet",
    "PatchDiscriminatorConfig",
    "Pix2PixConfig",
    "Pix2PixGenerator",
    "UnknownNetworkError",
    "ZhangConfig",
    "ZhangNet",
    "ZhangLiteConfig",
    "ZhangLiteNet",
    "build_network",
    "convert_official",
    "identify_official",
    "known_families",
    "network_class",
    "preset_config",
    "register_network",
]
