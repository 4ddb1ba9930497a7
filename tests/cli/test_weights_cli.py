"""`ideepcolor weights import|list` on a random state dict with the authors' keys and shapes."""

import json
import pickle

import pytest
import torch

from ideepcolor_app.cli.main import main
from ideepcolor_app.engine.weights import load_weights
from ideepcolor_app.nets import build_network, preset_config


@pytest.fixture(scope="module")
def official_eccv16(tmp_path_factory):
    """A random ECCV16 state dict saved as the authors' file name (about 130 MB on disk)."""
    torch.manual_seed(1)
    state = build_network("zhang", preset_config("zhang", "full")).state_dict()
    state = {k: torch.randn_like(v) if v.is_floating_point() else v for k, v in state.items()}
    path = tmp_path_factory.mktemp("official") / "colorization_release_v2-9b330a0b.pth"
    torch.save(state, path)
    return path, state


def test_weights_import_maps_and_validates_official_eccv16(official_eccv16, tmp_path, capsys):
    path, state = official_eccv16
    assert main(["weights", "import", str(path), "--models-dir", str(tmp_path), "--name", "eccv16"]) == 0
    assert "eccv16" in capsys.readouterr().out
    net, card = load_weights(tmp_path / "eccv16.safetensors")
    assert card.family == "zhang" and card.trained is True and "colorization_release_v2" in card.source
    assert net.bin_centres().shape == (313, 2)
    for key, tensor in state.items():
        assert torch.equal(net.state_dict()[key], tensor), key


def test_weights_import_names_the_wrong_tensor(official_eccv16, tmp_path, capsys):
    _, state = official_eccv16
    broken = dict(state)
    broken["model4.0.weight"] = torch.zeros(512, 128, 3, 3)
    path = tmp_path / "broken.pth"
    torch.save(broken, path)
    assert main(["weights", "import", str(path), "--models-dir", str(tmp_path)]) == 1
    assert "model4.0.weight" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.safetensors"))


class Payload:
    def __reduce__(self):
        return (print, ("code ran",))


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_weights_import_refuses_pickled_code(tmp_path, capsys):
    path = tmp_path / "evil.pth"
    with open(path, "wb") as handle:
        pickle.dump({"model1.0.weight": Payload()}, handle)
    assert main(["weights", "import", str(path), "--models-dir", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "code ran" not in captured.out and "could run that code" in captured.err
    assert "weights_only=False" not in captured.err  # torch's advice to run it anyway is not passed on


def test_weights_import_unrelated_state_dict(tmp_path, capsys):
    path = tmp_path / "other.pth"
    torch.save({"fc.weight": torch.zeros(2, 2)}, path)
    assert main(["weights", "import", str(path), "--models-dir", str(tmp_path)]) == 1
    assert "other.pth" in capsys.readouterr().err


def test_weights_list_shows_bundled_and_imported(tmp_path, monkeypatch, capsys, official_eccv16):
    monkeypatch.setenv("IDEEPCOLOR_MODELS", str(tmp_path))
    main(["weights", "import", str(official_eccv16[0]), "--models-dir", str(tmp_path), "--name", "eccv16"])
    capsys.readouterr()
    assert main(["weights", "list", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["eccv16"]["trained"] is True and rows["eccv16"]["family"] == "zhang"
    assert {"hints", "zhang", "gan", "fusion"} <= set(rows)


def test_weights_list_leaves_out_data_files_but_reports_broken_networks(tmp_path, monkeypatch, capsys):
    from safetensors.torch import save_file

    monkeypatch.setenv("IDEEPCOLOR_MODELS", str(tmp_path))
    save_file({"prior": torch.ones(529) / 529}, str(tmp_path / "my_prior.safetensors"), metadata={"bins": "grid-529"})
    (tmp_path / "truncated.safetensors").write_bytes(b"\x10\x00\x00")
    assert main(["weights", "list", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert "my_prior" not in rows and "bin_prior" not in rows
    assert "truncated" in rows and rows["truncated"].get("error")


def test_weights_list_summarises_the_val_evaluation():
    from ideepcolor_app.cli.weights_cmd import summarise_metrics

    line = summarise_metrics(
        {
            "evaluation": {
                "psnr": {"0": 23.361, "10": 25.0},
                "colourfulness": 27.0,
                "ground_truth_colourfulness": 45.0,
                "images": 48,
                "size": 256,
            }
        }
    )
    assert "0 hints 23.36, 10 hints 25.00" in line and "60% of ground truth" in line and "48 photos at 256" in line
    assert summarise_metrics({"selected_at_step": 3}) == "no evaluation"


def test_weights_import_refuses_nan_weights(official_eccv16, tmp_path, capsys):
    _, state = official_eccv16
    nan = {k: torch.full_like(v, float("nan")) if v.is_floating_point() else v for k, v in state.items()}
    path = tmp_path / "nan.pth"
    torch.save(nan, path)
    assert main(["weights", "import", str(path), "--models-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "NaN or infinite values" in err and "nan.pth" in err and len(err.splitlines()) == 1
    assert not list(tmp_path.glob("*.safetensors"))


def test_weights_import_refuses_a_name_that_shadows_a_bundled_network(official_eccv16, tmp_path, capsys):
    path, _ = official_eccv16
    assert main(["weights", "import", str(path), "--models-dir", str(tmp_path), "--name", "hints"]) == 1
    assert "would hide the bundled 'hints' network" in capsys.readouterr().err
    assert not list(tmp_path.glob("*"))


@pytest.mark.parametrize("name", ["../../escaped", "sub/dir", ".hidden", "a" * 300, "x\x1b[2J"])
def test_weights_import_refuses_names_that_leave_the_folder(official_eccv16, tmp_path, capsys, name):
    path, _ = official_eccv16
    models = tmp_path / "a" / "b" / "models"
    assert main(["weights", "import", str(path), "--models-dir", str(models), "--name", name]) == 1
    err = capsys.readouterr().err
    assert "invalid weights name" in err and "\x1b" not in err and len(err) < 400
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_weights_import_integer_keys_and_empty_file_are_one_line_errors(tmp_path, capsys):
    keyed = tmp_path / "keyed.pth"
    torch.save({0: torch.zeros(2), 1: torch.ones(2)}, keyed)
    assert main(["weights", "import", str(keyed), "--models-dir", str(tmp_path)]) == 1
    assert "text keys" in capsys.readouterr().err
    empty = tmp_path / "empty.pth"
    empty.write_bytes(b"")
    assert main(["weights", "import", str(empty), "--models-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err == f"ideepcolor: error: {empty}: the file is empty\n"


@pytest.mark.parametrize(
    "backend, weights", [("hints", "zhang"), ("zhang", "hints"), ("zhang", "fusion"), ("gan", "zhang")]
)
def test_backend_with_weights_of_another_family_is_refused(backend, weights, tmp_path, capsys):
    from tests.cli.conftest import two_tone_photo

    photo = two_tone_photo(tmp_path / "p.png")
    code = main(["colorize", str(photo), "-o", str(tmp_path / "o.png"), "--backend", backend, "--weights", weights])
    assert code == 1
    err = capsys.readouterr().err
    assert "which the" in err and f"{backend!r} backend cannot run" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "o.png").exists()


def test_a_user_file_shadowing_the_default_weights_is_a_clear_error(tmp_path, monkeypatch, capsys):
    """A zhang network saved as 'hints' by an older version: plain colorize must not crash."""
    from ideepcolor_app.engine.weights import ModelCard, save_weights
    from tests.cli.conftest import two_tone_photo

    config = preset_config("zhang", "compact")
    save_weights(
        build_network("zhang", config),
        ModelCard(name="hints", family="zhang", config=config, trained=True),
        tmp_path / "models",
    )
    monkeypatch.setenv("IDEEPCOLOR_MODELS", str(tmp_path / "models"))
    photo = two_tone_photo(tmp_path / "p.png")
    assert main(["colorize", str(photo), "-o", str(tmp_path / "o.png")]) == 1
    err = capsys.readouterr().err
    assert "hints.safetensors holds a 'zhang' network, which the 'hints' backend cannot run" in err
    assert len(err.splitlines()) == 1
