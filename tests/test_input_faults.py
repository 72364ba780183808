"""Bad inputs a user meets get a clear outcome naming the file: an empty dataset, NaN pixels, a
label map of another size than its image, initial weights that cannot be downloaded."""
import os.path as osp
from urllib.error import URLError

import numpy as np
import pytest
import torch
from conftest import REPO_ROOT
from helpers import TINY, tiny_maskclip_options
from mmcv.transforms import LoadImageFromFile
from mmengine.config import Config
from mmseg.registry import MODELS, TRANSFORMS
from mmseg.structures import SegDataSample

from mmseg_textsup.engine.runner.tool_runner import (_naming_unreachable_weights, build_runner, load_config,
                                                     remote_weights)


def test_an_empty_dataset_is_named_as_empty(tmp_path):
    """MMEngine: "need at least one array to concatenate"."""
    from mmseg_textsup.datasets.toy.export import write_voc_layout
    write_voc_layout(str(tmp_path / 'voc'), {'train': (0, 2)}, seed=0)
    (tmp_path / 'empty.txt').write_text('')
    options = {k: v for k, v in tiny_maskclip_options(tmp_path)[1].items() if 'num_samples' not in k}
    options.update({'test_dataloader.dataset.data_root': str(tmp_path / 'voc'),
                    'test_dataloader.dataset.ann_file': str(tmp_path / 'empty.txt')})
    runner = build_runner(load_config('configs/maskclip/voc20.py', cfg_options=options, work_dir=str(tmp_path / 'w')),
                          testing=True)
    with pytest.raises(ValueError, match=rf"the dataset \(type='PascalVOC20Dataset', data_root='{tmp_path}/voc', "
                                         rf"ann_file='{tmp_path}/empty.txt'.*\) is empty"):
        runner.test()


def test_nan_pixels_are_refused_naming_the_image():
    model = MODELS.build(dict(
        type='OpenVocabEncoderDecoder',
        backbone=dict(type='OpenCLIPVision', model_name=TINY, outputs=('dense', ), dense_mode='value'),
        decode_head=dict(type='MaskCLIPHead', text_encoder=dict(type='OpenCLIPTextClassifier', model_name=TINY,
                                                                vocabulary=['cat', 'dog'], templates='single')),
        test_cfg=dict(mode='whole'))).eval()
    x = torch.zeros(2, 3, 32, 32)
    x[1, 0, 3, 4] = float('nan')
    samples = [SegDataSample(metainfo=dict(img_path=f'/data/{i}.jpg', ori_shape=(32, 32), img_shape=(32, 32),
                                           pad_shape=(32, 32))) for i in range(2)]
    with pytest.raises(ValueError, match=r'NaN or infinite pixels in /data/1.jpg$'):
        model.predict(x, samples)


def test_a_label_map_of_another_size_than_its_image_is_named(tmp_path):
    import mmcv
    mmcv.imwrite(np.zeros((40, 60, 3), np.uint8), str(tmp_path / 'a.jpg'))
    mmcv.imwrite(np.zeros((40, 50), np.uint8), str(tmp_path / 'a.png'))
    results = LoadImageFromFile()(dict(img_path=str(tmp_path / 'a.jpg')))
    results.update(seg_map_path=str(tmp_path / 'a.png'), reduce_zero_label=False, seg_fields=[])
    with pytest.raises(ValueError, match=rf"{osp.join(tmp_path, 'a.png')}: a label map of 50 x 40 pixels for the "
                                         rf"image {osp.join(tmp_path, 'a.jpg')} of 60 x 40"):
        TRANSFORMS.build(dict(type='LoadCheckedAnnotations'))(results)


@pytest.mark.parametrize('config', ['maskclip_plus/voc.py', 'clip_es/voc21_deeplabv2.py'])
def test_an_imagenet_initialisation_that_cannot_be_downloaded_names_its_config_key(config):
    """MMEngine's own error is urllib's alone; the students' ImageNet ResNet-101 is a Pretrained init_cfg."""
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', config))
    assert remote_weights(cfg.model) == [('model.backbone.init_cfg.checkpoint', 'open-mmlab://resnet101_v1c')]

    class Offline(torch.nn.Module):
        def init_weights(self):
            raise URLError('[Errno -2] Name or service not known')

    model = Offline()
    _naming_unreachable_weights(model, cfg.model)
    with pytest.raises(RuntimeError, match=r"model\.backbone\.init_cfg\.checkpoint='open-mmlab://resnet101_v1c'.*"
                                           r"--cfg-options model\.backbone\.init_cfg\.checkpoint=.*"
                                           r"model\.backbone\.init_cfg=None"):
        model.init_weights()
