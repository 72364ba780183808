"""SimSeg against the official code: ``tests/data/simseg_parity.pt`` holds the official functions'
inputs and outputs (regenerate with ``python tools/parity/simseg.py <SimSeg checkout>``)."""
import os.path as osp
import sys
from unittest import mock

import numpy as np
import open_clip
import pytest
import torch
from conftest import REPO_ROOT
from helpers import TINY
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from mmseg_textsup.models.simseg import SIMSEG_CRF, LoDALoss, select_classes
from mmseg_textsup.models.text_encoders.prompt_ensemble import prompt_ensemble
from mmseg_textsup.prompts import get_templates
from mmseg_textsup.testing import seeded_tensor
from mmseg_textsup.utils.dense_crf import dense_crf

sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'parity'))
from simseg import crf_image, crf_maps  # noqa: E402  the maps the official CRF was given

FIXTURES = torch.load(osp.join(REPO_ROOT, 'tests/data/simseg_parity.pt'))
LODA, INFERENCE = FIXTURES['loda'], FIXTURES['inference']
ATOL = 1e-5


def test_loda_pooling_similarity_and_loss_are_the_official():
    loss = LoDALoss()  # the defaults: M^I 5, M^T 1, tau 0.02 clamped to [0.001, 0.5]
    image = loss.pool_image(LODA['image_tokens'])
    text = loss.pool_text(LODA['text_tokens'], LODA['text_mask'])
    torch.testing.assert_close(image, LODA['image_emb'], atol=ATOL, rtol=0)
    torch.testing.assert_close(text, LODA['text_emb'], atol=ATOL, rtol=0)
    torch.testing.assert_close(image @ text.t(), LODA['similarity'], atol=ATOL, rtol=0)
    value = loss(LODA['image_tokens'], LODA['text_tokens'], LODA['text_mask'])
    torch.testing.assert_close(value, LODA['loss'], atol=ATOL, rtol=0)


def test_text_pooling_above_the_shortest_caption_is_the_official():
    """M^T = 5 on captions of 3-12 tokens: the official k is the batch's shortest (3) for all."""
    text = LoDALoss(text_top_m=5).pool_text(LODA['text_tokens'], LODA['text_mask'])
    torch.testing.assert_close(text, LODA['text_emb_top5'], atol=ATOL, rtol=0)


def test_binary_crf_masks_are_the_official_where_maps_reach_0_and_1():
    crf = FIXTURES['crf']
    maps = crf_maps(**crf['maps']).numpy()
    ours = np.stack([dense_crf(crf_image(), np.stack([1 - m, m]), **SIMSEG_CRF).argmax(0) for m in maps])
    official = np.unpackbits(crf['masks'].numpy())[:ours.size].reshape(ours.shape)
    np.testing.assert_array_equal(ours, official)


def test_temperature_is_learnt_directly_and_clamped_as_the_official():
    loss = LoDALoss()
    assert loss.temperature().item() == pytest.approx(50.0)
    with torch.no_grad():
        loss.temperature.tau.fill_(1e-5)
    assert loss.temperature().item() == pytest.approx(1000.0)  # tau >= 0.001
    with torch.no_grad():
        loss.temperature.tau.fill_(2.0)
    assert loss.temperature().item() == pytest.approx(2.0)  # tau <= 0.5


def _token_features(ids):
    """The parity script's seeded text features of token ids (see tools/parity/simseg.py)."""
    table = seeded_tensor((49408, 24), 10, 'embedding')
    position = seeded_tensor((25, 24), 11, 'embedding')
    return table[ids] + position[:ids.shape[1]]


def test_class_embeddings_are_the_official_zero_shot_classifier():
    """u^T per prompt (M^T = 1 over the projected tokens, padding excluded), the 80 templates
    averaged and normalised."""
    loss = LoDALoss()
    projection = seeded_tensor((16, 24), 21)

    def encode(prompts):
        ids = open_clip.tokenize(prompts, context_length=25)
        return loss.pool_text(_token_features(ids) @ projection.t(), ids != 0, top_m=1)

    vocabulary = [[c] for c in FIXTURES['classes']]
    ours, _ = prompt_ensemble(encode, vocabulary, get_templates('openai_imagenet_80'))
    torch.testing.assert_close(ours, INFERENCE['class_embeddings'], atol=ATOL, rtol=0)


@pytest.fixture(scope='module')
def simseg():
    """A SimSeg model whose towers return the fixture's tokens and class embeddings."""
    mean = [255 * m for m in FIXTURES['mean']]
    std = [255 * s for s in FIXTURES['std']]
    model = MODELS.build(dict(
        type='SimSegPretrainer',
        data_preprocessor=dict(type='SegDataPreProcessor', mean=mean, std=std, bgr_to_rgb=True),
        backbone=dict(type='OpenCLIPVision', model_name=TINY, frozen=False, dense_mode='qk'),
        text_tower=dict(type='OpenCLIPText', model_name=TINY),
        zero_shot=dict(type='SimSegZeroShot', top_k=10, sigma_factor=1.0, max_classes=5, background_class=0),
        vocabulary='simseg_voc21'))
    return model.eval()


def _dense(index):
    projection = seeded_tensor((16, 24), 20)
    tokens = INFERENCE['image_tokens'][index:index + 1, 1:] @ projection.t()  # 1, N, D
    n = int(tokens.shape[1]**0.5)
    return tokens.transpose(1, 2).reshape(1, -1, n, n)


@pytest.mark.parametrize('index', range(len(INFERENCE['labels'])))
def test_selected_classes_and_final_masks_are_the_official(simseg, index):
    dense = _dense(index)
    rgb = INFERENCE['images'][index]
    pre = simseg.data_preprocessor
    inputs = ((rgb.permute(2, 0, 1).float() - pre.mean) / pre.std)[None]
    sample = SegDataSample(metainfo=dict(img_shape=tuple(rgb.shape[:2]), ori_shape=INFERENCE['label_sizes'][index]))
    with mock.patch.object(simseg.backbone, 'forward_features', return_value=dict(dense=dense)), \
            mock.patch.object(simseg.text_encoder, 'embeddings', return_value=INFERENCE['class_embeddings']):
        coarse, confidence = simseg.zero_shot.coarse_and_confidence(simseg, inputs)
        labels = simseg.predict(inputs, [sample])[0].pred_sem_seg.data[0]
    kept = select_classes(confidence[0], 10, 1.0, 5, 0)
    assert len(kept) == INFERENCE['num_masks'][index]  # the official made one mask per selected class
    assert labels.shape == INFERENCE['labels'][index].shape
    assert torch.equal(labels, INFERENCE['labels'][index].long())
    assert set(labels.unique().tolist()) - {0} <= set(kept)


def test_class_selection_on_300_random_score_vectors_is_the_official():
    """Unbiased std, the background inside the statistics and the candidate slots, never selected."""
    selection = FIXTURES['selection']
    counts = [len(select_classes(row, 10, 1.0, 5, 0)) for row in selection['scores']]
    assert counts == selection['num_masks'].tolist()
    assert len(set(counts)) > 2
