"""Blotch and face measures, the old-print look, and the protocol scoring with them."""

import numpy as np
import pytest
import torch

from training.metrics import lab_to_u8
from training.old_print import OLD_PRINT, OldPrintLook
from training.protocol import EvalImage, run_protocol
from training.region_metrics import blotch_scores, face_ab_error, flat_regions


def _two_objects(size=48):
    """(L (S,S), truth ab (2,S,S)): a dark blue wall on the left, a light grey dress on the right."""
    l = np.full((size, size), 35.0)
    l[:, size // 2 :] = 80.0
    ab = np.zeros((2, size, size))
    ab[:, :, : size // 2] = np.array([5.0, -30.0])[:, None, None]
    ab[:, :, size // 2 :] = 2.0
    return l, ab


def test_flat_regions_find_each_object_and_not_the_edge():
    l, ab = _two_objects()
    labels = flat_regions(l, ab)
    assert labels.max() == 2
    assert len(np.unique(labels[:, :20])) == 1 and labels[10, 10] > 0  # the wall is one region
    assert labels[10, 10] != labels[10, 40] > 0
    assert (labels[:, 22:26] == 0).all()  # the edge between them belongs to neither


def test_blotch_fails_a_region_in_two_hues_and_passes_one_hue():
    l, truth = _two_objects()
    labels = flat_regions(l, truth)
    clean = truth.copy()
    clean[:, :, 24:] = np.array([8.0, 6.0])[:, None, None]  # the dress a bit warm: one hue
    clean[:, 30:, 24:] *= 2.5  # stronger in its lower part, same hue
    share, incoherent = blotch_scores(clean, labels)
    assert share == 0.0 and incoherent < 0.01
    blotched = clean.copy()
    blotched[:, :, 36:] = np.array([-12.0, -4.0])[:, None, None]  # a cyan half beside the warm one
    share, incoherent = blotch_scores(blotched, labels)
    dress = (labels == labels[10, 40]).sum() / (labels > 0).sum()
    assert share == pytest.approx(dress)  # the dress fails, the wall passes
    assert incoherent > 3.0
    # A grey patch beside a colour is a chroma change, not a second hue.
    greyed = clean.copy()
    greyed[:, :, 36:] = 0.0
    assert blotch_scores(greyed, labels)[0] == 0.0
    assert blotch_scores(clean, np.zeros_like(labels)) is None


def test_face_error_is_measured_inside_an_injected_box_only():
    truth = np.zeros((2, 20, 20))
    truth[0] = 15.0  # skin-ish a everywhere
    pred = truth.copy()
    pred[:, :, 12:] = 0.0  # the right part grey
    box = [(0.1, 0.1, 0.5, 0.5)]  # core (0.6): columns and rows 2-8, all inside the left part
    assert face_ab_error(pred, truth, box) == 0.0
    off = [(0.5, 0.1, 0.9, 0.5)]  # core columns 12-17: grey against a = 15
    assert face_ab_error(pred, truth, off) == pytest.approx(15.0)
    assert face_ab_error(pred, truth, []) is None


def test_old_print_look_changes_l_only_and_is_seeded():
    l = torch.linspace(0.0, 100.0, 64 * 64).reshape(1, 1, 64, 64)
    aged = OLD_PRINT.apply(l, (0, 3))
    assert aged.shape == l.shape and not torch.equal(aged, l)
    assert torch.equal(aged, OLD_PRINT.apply(l, (0, 3)))
    assert not torch.equal(aged, OLD_PRINT.apply(l, (0, 4)))
    faded = OldPrintLook(blur_sigma=0.0, grain_sigma=0.0).apply(l, 0)
    assert float(faded.min()) == pytest.approx(12.0) and float(faded.max()) == pytest.approx(88.0)
    look = OldPrintLook(black=0.0, white=100.0, blur_sigma=0.0, grain_sigma=3.5)
    grain = look.apply(torch.full((1, 1, 64, 64), 50.0), 1)
    assert float(grain.std()) == pytest.approx(3.5, rel=0.05)
    jpeg = OldPrintLook(jpeg_quality=30).apply(l, 0)
    assert not torch.equal(jpeg, OLD_PRINT.apply(l, 0))


def test_protocol_scores_the_aged_input_against_the_clean_truth():
    l_np, ab_np = _two_objects(32)
    l = torch.tensor(l_np, dtype=torch.float32)[None, None]
    ab = torch.tensor(ab_np, dtype=torch.float32)[None]
    image = EvalImage("two.png", l, ab, lab_to_u8(l, ab)[0], faces=((0.6, 0.2, 0.9, 0.6),))
    seen = []

    def truth_if_clean(l_in, hints):
        seen.append(l_in)
        return ab if torch.equal(l_in, l) else torch.zeros_like(ab)

    clean = run_protocol(truth_if_clean, [image], (0,))
    aged = run_protocol(truth_if_clean, [image], (0,), look=OLD_PRINT)
    assert not torch.equal(seen[1], l)  # the predictor saw the aged L
    assert clean["ab_error"] < 0.6 and clean["blotch"] == 0.0 and clean["face_error"] < 0.6
    assert clean["faces"] == 1
    # Grey against the clean truth: the wall's 30.4 and the dress's 2.8, area-weighted.
    assert aged["ab_error"] == pytest.approx((30.4 + 2.8) / 2, abs=0.8)
    assert aged["face_error"] == pytest.approx(2.8, abs=0.3)
