"""A checkpoint trained for another number of classes is refused before evaluation."""
import pytest
import torch
from mmseg.registry import MODELS

from mmseg_textsup.engine.runner.checkpoint_fit import check_checkpoint_fits


def _segmentor(num_classes):
    return MODELS.build(dict(
        type='EncoderDecoder',
        backbone=dict(type='OpenCLIPVision', model_name='TextSup-Tiny-ViT', frozen=False, dense_mode='qk'),
        neck=dict(type='FeatureSelector', keys=('dense', )),
        decode_head=dict(type='FCNHead', in_channels=32, in_index=0, channels=16, num_convs=1, concat_input=False,
                         num_classes=num_classes)))


def test_checkpoint_of_another_vocabulary_size_is_refused(tmp_path):
    path = str(tmp_path / 'ten.pth')
    torch.save(dict(state_dict=_segmentor(10).state_dict(), meta={}), path)
    check_checkpoint_fits(_segmentor(10), path)  # fits
    with pytest.raises(ValueError, match=r'decode_head.conv_seg.weight: checkpoint \(10, 16, 1, 1\) vs model '
                                         r'\(5, 16, 1, 1\)'):
        check_checkpoint_fits(_segmentor(5), path)
    partial = {k: v for k, v in _segmentor(10).state_dict().items() if not k.startswith('backbone.')}
    torch.save(dict(state_dict=partial), path)
    with pytest.raises(ValueError, match='missing keys'):
        check_checkpoint_fits(_segmentor(10), path)
