"""Layer helpers shared by the network families (the CIELAB scale is in `color.norm`).

The block helper reproduces the layer order of the authors' ``nn.Sequential`` lists
(richzhang/colorization, ``colorizers/siggraph17.py`` and ``eccv16.py``): each conv is followed
by its activation and a block may end in BatchNorm, so ``conv_block([4, 64, 64])`` has its
parameters at indices 0 (conv), 2 (conv) and 4 (BatchNorm), exactly like the authors' ``model1``.
Keep it that way: the state-dict key tests pin these indices.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn


def _per_conv(value: int | Sequence[int], count: int, name: str) -> list[int]:
    if isinstance(value, int):
        return [value] * count
    values = list(value)
    if len(values) != count:
        raise ValueError(f"{name} has {len(values)} entries for {count} convs")
    return values


def conv_layers(
    channels: Sequence[int],
    *,
    kernel_size: int = 3,
    stride: int | Sequence[int] = 1,
    dilation: int | Sequence[int] = 1,
    init_relu: bool = False,
    norm: bool = True,
    act: str = "relu",
) -> list[nn.Module]:
    """List the layers of one block: [ReLU], (conv, act) per step, [BatchNorm].

    Args:
        channels: widths ``[c_in, c_1, ..., c_n]``; one conv per consecutive pair.
        kernel_size: square kernel of every conv ("same" padding, scaled by the dilation).
        stride: one value for all convs or one per conv (the authors' ECCV16 net puts stride 2
            on the last conv of a block).
        dilation: one value or one per conv.
        init_relu: start with a ReLU (the authors' decoder blocks, applied after a sum).
        norm: end with ``BatchNorm2d(channels[-1])``.
        act: activation after each conv, ``"relu"`` or ``"leaky"`` (LeakyReLU(0.2)).
    Returns:
        The layers, in the order that fixes their ``nn.Sequential`` indices.
    """
    count = len(channels) - 1
    if count < 1:
        raise ValueError(f"a block needs at least one conv, got channels={list(channels)}")
    if act not in ("relu", "leaky"):
        raise ValueError(f"act must be 'relu' or 'leaky', got {act!r}")
    strides = _per_conv(stride, count, "stride")
    dilations = _per_conv(dilation, count, "dilation")
    layers: list[nn.Module] = [nn.ReLU(True)] if init_relu else []
    for c_in, c_out, s, d in zip(channels[:-1], channels[1:], strides, dilations, strict=True):
        pad = d * (kernel_size - 1) // 2
        layers.append(nn.Conv2d(c_in, c_out, kernel_size, stride=s, padding=pad, dilation=d))
        layers.append(nn.ReLU(True) if act == "relu" else nn.LeakyReLU(0.2))
    if norm:
        layers.append(nn.BatchNorm2d(channels[-1]))
    return layers


def zero_init(conv: nn.Conv2d) -> nn.Conv2d:
    """Return `conv` with zero weights and bias, so that it starts as a no-op."""
    nn.init.zeros_(conv.weight)
    if conv.bias is not None:
        nn.init.zeros_(conv.bias)
    return conv


def conv_block(channels: Sequence[int], **kwargs) -> nn.Sequential:
    """Build ``nn.Sequential(*conv_layers(channels, **kwargs))``; see `conv_layers`."""
    return nn.Sequential(*conv_layers(channels, **kwargs))


def up_conv(c_in: int, c_out: int) -> nn.ConvTranspose2d:
    """Return the 4x4 stride-2 transposed conv that doubles H and W (the authors' upsampling)."""
    return nn.ConvTranspose2d(c_in, c_out, kernel_size=4, stride=2, padding=1)


def check_image(t: Tensor, name: str, channels: int, divisor: int = 1) -> tuple[int, int]:
    """Check that `t` is (B,channels,H,W) with H and W divisible by `divisor`.

    Returns:
        (H, W).
    Raises:
        ValueError: naming the tensor, the expected and the actual shape.
    """
    if t.dim() != 4 or t.shape[1] != channels:
        raise ValueError(f"{name} must be (B,{channels},H,W), got {tuple(t.shape)}")
    h, w = t.shape[-2:]
    if h % divisor or w % divisor:
        raise ValueError(f"{name}: height and width must be divisible by {divisor}, got {h}x{w}")
    return int(h), int(w)


def count_parameters(net: nn.Module, prefixes: Sequence[str] = ()) -> int:
    """Count the parameters of `net` whose names do not start with one of `prefixes`."""
    return sum(p.numel() for n, p in net.named_parameters() if not n.startswith(tuple(prefixes)))


def zeros_like_channels(t: Tensor, channels: int) -> Tensor:
    """Return zeros shaped (B,channels,H,W) like the (B,*,H,W) tensor `t`."""
    return torch.zeros(t.shape[0], channels, *t.shape[2:], dtype=t.dtype, device=t.device)


#: Chroma (CIELAB ab units) up to which `scale_chroma`'s boost raises weak colours. It stays
#: under 30, the chroma that the false-colour measure (docs/architecture.md, "Measures beside
#: PSNR") counts as a strong colour, so
#: the boost never turns a pixel into false colour by itself.
BOOST_KNEE = 28.0


def scale_chroma(ab_norm: Tensor, gain: float, boost: float = 1.0) -> Tensor:
    """Make normalised ab (in [-1, 1]) more colourful: times `gain`, then `boost`'s curve.

    A network trained with a per-pixel regression loss predicts the mean of the plausible
    colours, which is greyer than any of them; a knob chosen on validation photos restores
    colourfulness at a measured cost in PSNR. 1 leaves the output untouched.

    The boost raises weak chroma c (below `BOOST_KNEE`, k) along k * (1 - (1 - c/k)^boost):
    times `boost` near grey, flattening to no change at k, and leaves stronger colours and
    every hue alone. A linear gain instead pushes colours that are already strong further,
    which is where false colour comes from (docs/models.md, "Chroma boost").

    Example:
        >>> ab = torch.tensor([[[[7.0 / 110, 50.0 / 110]]], [[[0.0, 0.0]]]]).permute(1, 0, 2, 3)
        >>> [round(float(c) * 110, 2) for c in scale_chroma(ab, 1.0, 2.0)[:, 0].flatten()]
        [12.25, 50.0]
    """
    if gain != 1.0:
        ab_norm = (ab_norm * gain).clamp(-1.0, 1.0)
    if boost == 1.0:
        return ab_norm
    knee = BOOST_KNEE / 110.0
    chroma = ab_norm.float().norm(dim=1, keepdim=True)  # float32: 1e-8 is 0 in fp16
    boosted = knee * (1.0 - (1.0 - chroma / knee).clamp_min(0.0) ** boost)
    scale = torch.where(chroma < knee, boosted / chroma.clamp_min(1e-8), torch.ones_like(chroma))
    return (ab_norm * scale).to(ab_norm.dtype)
