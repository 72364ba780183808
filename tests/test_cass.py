"""CASS's configs and loading: the official per-benchmark settings, a missing DINO file named with its
config key, the pairing of the head matching."""
import os.path as osp

import pytest
import torch
from conftest import REPO_ROOT
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from mmseg_textsup.models.training_free import cass_vision

#: configs/cfg_*.py of github.com/MICV-yonsei/CASS: (prob_thd, global_semantics_weight, mean_vector_weight,
#: h_threshold); VOC20 and Cityscapes keep their singular values, Cityscapes' windows their own prior,
#: VOC21 runs on the whole image
OFFICIAL = {
    'voc21': (0.1, 0.1, 0.03, 0.10), 'context60': (0.1, 0.25, 0.04, 0.09), 'coco_object': (0.1, 0.25, 0.01, 0.10),
    'voc20': (None, 0.4, 0.02, 0.10), 'cityscapes': (None, 0.1, 0.03, 0.14), 'context59': (None, 0.25, 0.04, 0.09),
    'coco_stuff': (None, 0.2, 0.02, 0.02), 'ade20k': (None, 0.3, 0.05, 0.06)
}


@pytest.mark.parametrize('benchmark', list(OFFICIAL))
def test_configs_hold_the_official_settings(benchmark):
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'cass', f'{benchmark}.py')).model
    head = cfg.decode_head
    assert (cfg.get('bg_threshold'), head.global_weight, head.mean_vector_weight,
            head.cluster_threshold) == OFFICIAL[benchmark]
    assert cfg.backbone.get('rescale_singular_values', True) == (benchmark not in ('voc20', 'cityscapes'))
    assert cfg.get('global_from', 'image') == ('window' if benchmark == 'cityscapes' else 'image')
    assert cfg.test_cfg.mode == ('whole' if benchmark == 'voc21' else 'slide')
    assert head.text_encoder.vocabulary.startswith('sclip_') and head.logit_scale == 40.0


@pytest.mark.parametrize('method', ['cass', 'proxyclip'])
def test_a_missing_dino_file_names_the_config_key(tmp_path, method):
    init_default_scope('mmseg')
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', method, 'voc21.py')).model
    cfg.backbone.update(model_name='TextSup-Tiny-ViT16', pretrained=None,
                        vfm=dict(cfg.backbone.vfm, pretrained=str(tmp_path / 'dino_vitbase8_pretrain.pth'),
                                 model_kwargs=dict(embed_dim=128, depth=1, num_heads=2)))
    backbone = MODELS.build(cfg.backbone)
    with pytest.raises(FileNotFoundError, match=r'dino_vitbase8_pretrain.pth.*model\.backbone\.vfm\.pretrained'):
        backbone.init_weights()


def test_clip_head_i_takes_the_dino_head_of_the_other_index(monkeypatch):
    """The official loop mixes DINO head ``col[i]`` into CLIP head ``row[i]`` though the cost's rows are
    DINO's heads. With a 3-cycle as the assignment (not its own inverse), reordering the tokens of DINO
    head 0 (its spectrum, so every cost, unchanged) changes CLIP head 2 alone (``col[2] == 0``)."""
    torch.manual_seed(0)
    clip, dino = torch.randn(3, 12, 8), torch.randn(3, 12, 8)
    monkeypatch.setattr(cass_vision, 'linear_sum_assignment', lambda cost: ([0, 1, 2], [1, 2, 0]))
    torch.manual_seed(1)
    mixed = cass_vision.spectral_attention_logits(clip, dino)
    shuffled = dino.clone()
    shuffled[0] = dino[0, torch.randperm(12)]
    torch.manual_seed(1)
    changed = (cass_vision.spectral_attention_logits(clip, shuffled) - mixed).abs().amax(dim=(1, 2))
    assert changed[2] > 1e-2 and changed[:2].max() < 1e-4, changed
