"""Coherent automatic colour: one colour per flat region, edges kept, unsure colour muted."""

import torch

from ideepcolor_app.engine.backends import create_backend
from ideepcolor_app.engine.coherence import Coherence, chroma_confidence, hue_agreement
from ideepcolor_app.engine.session import ColorizeSession


def _wall_and_floor(size=32):
    """(S,S) L: a mid-grey wall above a dark floor, with a sharp edge at the middle row."""
    l = torch.full((size, size), 60.0)
    l[size // 2 :] = 25.0
    return l


def test_hue_agreement_is_one_for_shades_of_one_hue_and_low_for_two_far_hues():
    centres = torch.tensor([[40.0, 0.0], [20.0, 0.0], [-40.0, 0.0], [0.0, 0.0]])
    probs = torch.tensor([[0.6, 0.2, 0.5], [0.4, 0.0, 0.0], [0.0, 0.2, 0.5], [0.0, 0.6, 0.0]])[:, None, :]
    agreement = hue_agreement(probs, centres)[0]
    assert agreement[0] == 1.0  # two reds
    assert agreement[1] == 0.0  # red and cyan at 40, grey does not take sides
    assert agreement[2] == 0.0
    assert agreement.shape == (3,)


def test_a_flat_region_gets_the_confident_colour_and_the_edge_stops_it():
    l = _wall_and_floor()
    ab = torch.zeros(2, 32, 32)
    ab[:, :16] = torch.tensor([-6.0, -30.0])[:, None, None]  # a sure blue wall ...
    ab[:, 4:10, 20:28] = torch.tensor([9.0, 3.0])[:, None, None]  # ... with an unsure red patch
    ab[:, 16:] = torch.tensor([20.0, 25.0])[:, None, None]  # a sure brown floor
    out = Coherence().apply(l, ab, chroma_confidence(ab))
    patch = out[:, 5:9, 21:27].mean(dim=(1, 2))
    assert patch[1] < -20.0 and patch[0] < 0.0  # the patch turned blue with the wall
    floor = out[:, 20:, :].mean(dim=(1, 2))
    assert (floor - torch.tensor([20.0, 25.0])).norm() < 3.0  # the blue did not cross the edge
    assert (out[:, :12, :4].mean(dim=(1, 2)) - torch.tensor([-6.0, -30.0])).norm() < 3.0


def test_unsure_far_hues_in_one_region_are_muted_not_boosted():
    l = torch.full((32, 32), 70.0)
    ab = torch.zeros(2, 32, 32)
    ab[0, :, :16], ab[0, :, 16:] = 8.0, -8.0  # a white dress, pink on one side, cyan on the other
    unsure = torch.full((32, 32), 0.05)
    plain = Coherence(boost=2.0).apply(l, ab, unsure)
    assert plain.norm(dim=0).mean() < 3.0  # both hues fade towards the region's grey
    sure = Coherence(boost=2.0).apply(torch.full((32, 32), 70.0), ab[:, :, :16].repeat(1, 1, 2), torch.ones(32, 32))
    assert sure[0].mean() > 12.0  # a sure colour is boosted (8 -> about 13.7 at boost 2)


def test_backends_without_coherence_boost_everywhere_as_the_network_did():
    l = _wall_and_floor(64)
    backend = create_backend("fusion", device="cpu")
    coherent = ColorizeSession(l, backend, 64).predict()
    backend.coherence = None
    plain = ColorizeSession(l, backend, 64).predict()
    assert coherent.shape == plain.shape == (2, 64, 64)
    assert not torch.allclose(coherent, plain)
    # Without coherence the boost moved out of the network still applies, everywhere.
    net_ab = backend.net(l[None, None])[0]
    assert plain.norm(dim=0).mean() > net_ab.norm(dim=0).mean()
