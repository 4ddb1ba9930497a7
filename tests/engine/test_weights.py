"""Our checkpoint format: safetensors + model card, checked tensor by tensor."""

import json

import pytest
import torch
from safetensors.torch import load_file, save_file

from ideepcolor_app.engine.weights import (
    ModelCard,
    WeightsError,
    file_sha256,
    find_weights,
    load_weights,
    save_weights,
)
from ideepcolor_app.nets import build_network, preset_config


@pytest.fixture
def saved_zhang(tmp_path):
    torch.manual_seed(0)
    config = preset_config("zhang", "compact")
    net = build_network("zhang", config)
    card = ModelCard(name="zhang-test", family="zhang", config=config, trained=False, init_seed=0)
    return net, save_weights(net, card, tmp_path)


def rewrite(path, tensors):
    """Replace a checkpoint's tensors, keeping its model card but for the new file's checksum."""
    save_file(tensors, str(path))
    card = json.loads(path.with_suffix(".json").read_text())
    card["sha256"] = file_sha256(path)
    path.with_suffix(".json").write_text(json.dumps(card))


def test_weights_round_trip_restores_every_tensor(saved_zhang):
    net, path = saved_zhang
    loaded, card = load_weights(path)
    assert card.name == "zhang-test" and card.trained is False
    for key, tensor in net.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], tensor), key
    assert not loaded.training


def test_weights_card_is_readable_json(saved_zhang):
    _, path = saved_zhang
    card = json.loads(path.with_suffix(".json").read_text())
    assert card["family"] == "zhang" and card["trained"] is False and card["config"]


def test_weights_missing_tensor_is_named(saved_zhang):
    _, path = saved_zhang
    tensors = load_file(str(path))
    victim = sorted(tensors)[3]
    del tensors[victim]
    rewrite(path, tensors)
    with pytest.raises(WeightsError, match=f"missing tensor {victim}"):
        load_weights(path)


def test_weights_wrong_shape_is_named_with_both_shapes(saved_zhang):
    _, path = saved_zhang
    tensors = load_file(str(path))
    victim = next(k for k, v in tensors.items() if v.ndim == 4)
    expected = tuple(tensors[victim].shape)
    tensors[victim] = torch.zeros(expected[0] + 1, *expected[1:])
    rewrite(path, tensors)
    with pytest.raises(WeightsError, match=rf"{victim}: expected shape \({expected[0]}, .*got \({expected[0] + 1},"):
        load_weights(path)


def test_weights_unexpected_tensor_is_named(saved_zhang):
    _, path = saved_zhang
    rewrite(path, {**load_file(str(path)), "extra.weight": torch.zeros(3)})
    with pytest.raises(WeightsError, match="unexpected tensor extra.weight"):
        load_weights(path)


def test_weights_corrupt_file_and_missing_card(saved_zhang):
    _, path = saved_zhang
    path.write_bytes(b"not a safetensors file at all")
    with pytest.raises(WeightsError, match="not a readable safetensors file"):
        load_weights(path)
    path.with_suffix(".json").unlink()
    with pytest.raises(WeightsError, match="model card .* is missing"):
        load_weights(path)


@pytest.mark.parametrize(
    "edit,message",
    [
        (lambda c: c.update(colour="red"), 'unknown model-card keys: "colour"'),
        (lambda c: c.pop("family"), "lacks family"),
        (lambda c: c.update(family="nope"), "nope"),
        (lambda c: c.update(card_version=9), "version 9"),
    ],
)
def test_weights_bad_card_is_explained(saved_zhang, edit, message):
    _, path = saved_zhang
    card_path = path.with_suffix(".json")
    card = json.loads(card_path.read_text())
    edit(card)
    card_path.write_text(json.dumps(card))
    with pytest.raises(WeightsError, match=message):
        load_weights(path)


def test_weights_unknown_name_lists_searched_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("IDEEPCOLOR_MODELS", str(tmp_path))
    with pytest.raises(WeightsError, match="no weights named 'nosuch'.*searched"):
        find_weights("nosuch")


def test_weights_fusion_checkpoint_leaves_out_the_bundled_backbone(tmp_path):
    config = preset_config("fusion", "compact")
    config["pretrained_backbone"] = False
    net = build_network("fusion", config)
    path = save_weights(net, ModelCard(name="f", family="fusion", config=config, trained=False), tmp_path)
    stored = load_file(str(path))
    assert stored and not any(k.startswith(net.EXTERNAL_PREFIXES) for k in stored)
    assert len(stored) < len(net.state_dict())
    loaded, _ = load_weights(path)
    assert all(torch.equal(loaded.state_dict()[k], v) for k, v in stored.items())


def test_shipped_cards_match_their_networks():
    from ideepcolor_app.engine.weights import BUNDLED_MODELS_DIR

    shipped = {"hints": "propagated_hints", "zhang": "zhang_lite", "gan": "fusion_lite", "fusion": "fusion_lite"}
    for name, family in shipped.items():
        path = BUNDLED_MODELS_DIR / f"{name}.safetensors"
        if not path.exists():
            pytest.skip(f"{path} not installed")
        net, card = load_weights(path)
        assert card.family == family == net.FAMILY
        assert isinstance(card.trained, bool)
        if not card.trained:
            assert "UNTRAINED" in card.description
