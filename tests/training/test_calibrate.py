"""Folding a temperature into a zhang network: decoding at the app's T equals the chosen T."""

import copy

import torch

from ideepcolor_app.engine.session import DEFAULT_TEMPERATURE
from ideepcolor_app.nets import build_network, preset_config
from training.calibrate import choose, fold_temperature


def test_folded_network_at_default_temperature_equals_original_at_chosen():
    torch.manual_seed(0)
    net = build_network("zhang", preset_config("zhang")).eval()
    folded = copy.deepcopy(net)
    fold_temperature(folded, 0.55)
    l = torch.rand(1, 1, 32, 32) * 100
    with torch.no_grad():
        expected = net.colorize(l, 0.55)
        got = folded.colorize(l, DEFAULT_TEMPERATURE)
        assert not torch.allclose(net.colorize(l, DEFAULT_TEMPERATURE), expected, atol=1e-3)
    assert torch.allclose(got, expected, atol=1e-4)


def test_choose_prefers_psnr_among_colourful_enough():
    rows = [
        {"temperature": 0.38, "psnr": 20.0, "colourfulness_ratio": 0.9},
        {"temperature": 0.5, "psnr": 21.5, "colourfulness_ratio": 0.77},
        {"temperature": 0.6, "psnr": 22.0, "colourfulness_ratio": 0.75},
    ]  # below 0.7 + margin
    assert choose(rows)["temperature"] == 0.5
    assert choose([{**r, "colourfulness_ratio": 0.1} for r in rows])["temperature"] == 0.38


def gan_output_before_and_after(**chroma):
    """A random `gan` network's output on a random L, then with `set_chroma(**chroma)`."""
    from training.calibrate import set_chroma

    torch.manual_seed(0)
    net = build_network("gan", preset_config("gan")).eval()
    l = torch.rand(1, 1, 128, 128) * 100
    with torch.no_grad():
        plain = net(l)
        set_chroma(net, **chroma)
        return net, l, plain, net(l)


def test_chroma_boost_raises_weak_colours_only_and_survives_a_save(tmp_path):
    from ideepcolor_app.engine.weights import ModelCard, load_weights, save_weights
    from ideepcolor_app.nets.blocks import BOOST_KNEE

    net, l, plain, boosted = gan_output_before_and_after(boost=2.0)
    before, after = plain.norm(dim=1), boosted.norm(dim=1)
    weak, strong = before < 0.1, before >= BOOST_KNEE
    assert weak.any()
    assert torch.allclose(after[weak], 2.0 * before[weak], rtol=0.02)  # near grey: times the boost
    assert torch.allclose(boosted[:, :, strong[0]], plain[:, :, strong[0]])  # strong colours untouched
    assert bool((after <= torch.maximum(before, torch.tensor(BOOST_KNEE)) + 1e-3).all())
    assert bool((after >= before - 1e-4).all())
    hue = torch.nn.functional.cosine_similarity(plain, boosted, dim=1)
    assert bool((hue[before > 1.0] > 0.9999).all())
    config = {**preset_config("gan"), "chroma_boost": 2.0}
    saved = save_weights(net, ModelCard(name="g", family="gan", config=config, trained=True), tmp_path)
    loaded, card = load_weights(saved)
    with torch.no_grad():
        assert torch.allclose(loaded.eval()(l), boosted, atol=1e-5)
    assert card.config["chroma_boost"] == 2.0


def test_legacy_chroma_gain_still_scales_the_output():
    _, _, plain, scaled = gan_output_before_and_after(gain=1.5)
    assert torch.allclose(scaled, (plain * 1.5).clamp(-110, 110), atol=1e-3)


def test_propagation_blend_calibration_is_chosen_on_val_and_saved(tmp_path):
    from PIL import Image

    from ideepcolor_app.engine.weights import ModelCard, load_weights, save_weights
    from ideepcolor_app.nets import PropagatedHintsConfig, PropagatedHintsNet
    from training.calibrate import PROPAGATION_BLENDS, main

    from .conftest import colourful_photo

    folder = tmp_path / "val"
    folder.mkdir()
    for i in range(2):
        Image.fromarray(colourful_photo(40 + i, 32, 32)).save(folder / f"v{i}.png")
    torch.manual_seed(0)
    config = PropagatedHintsConfig(pretrained_backbone=False)
    net = PropagatedHintsNet(config)
    with torch.no_grad():  # an output layer that adds something, so blends differ
        net.fine[-1].bias.fill_(0.3)
    card = ModelCard(name="h", family="propagated_hints", config=config.to_dict(), trained=True)
    path = save_weights(net, card, tmp_path)
    assert main(["--weights", str(path), "--images", str(folder), "--size", "32"]) == 0
    loaded, card = load_weights(path)
    sweep = card.metrics["calibration"]["sweep"]
    assert [row["propagation_blend"] for row in sweep] == list(PROPAGATION_BLENDS)
    best = max(sweep, key=lambda row: row["psnr"])["propagation_blend"]
    assert card.config["propagation_blend"] == loaded.config.propagation_blend == best
    assert len({row["psnr"] for row in sweep}) > 1  # the knob changes the result


def test_a_learned_blend_is_left_as_it_is(tmp_path, capsys):
    from ideepcolor_app.engine.weights import ModelCard, read_card, save_weights
    from ideepcolor_app.nets import PropagatedHintsConfig, PropagatedHintsNet
    from training.calibrate import main

    config = PropagatedHintsConfig(pretrained_backbone=False, learned_blend=True)
    card = ModelCard(name="h", family="propagated_hints", config=config.to_dict(), trained=True)
    path = save_weights(PropagatedHintsNet(config), card, tmp_path)
    before = path.read_bytes()
    assert main(["--weights", str(path), "--images", str(tmp_path), "--size", "32"]) == 0
    assert "nothing to calibrate" in capsys.readouterr().out
    assert path.read_bytes() == before and "calibration" not in read_card(path).metrics
