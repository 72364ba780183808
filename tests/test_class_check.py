"""A vocabulary that does not match the dataset stops the run before the first image; label values
outside the classes stop it at their batch, naming the file."""
from types import SimpleNamespace

import pytest
import torch
from helpers import tiny_maskclip_options

from mmseg_textsup.engine.hooks import ClassCheckHook, vocabulary_mismatch
from mmseg_textsup.engine.runner.tool_runner import build_runner, load_config

TOY = ['grass', 'water', 'sand', 'snow', 'tomato', 'lemon', 'grape', 'zebra', 'donut', 'carrot']


def _model(names=None, count=None):
    if names is not None:
        return SimpleNamespace(class_names=names, num_classes=len(names) + 30)  # e.g. SCLIP: names fused into classes
    return SimpleNamespace(num_classes=count)


def test_counts_and_positions_of_shared_names_must_agree():
    assert vocabulary_mismatch(_model(TOY), TOY) is None
    assert 'the model has 9 classes, the dataset 10' in vocabulary_mismatch(_model(TOY[:9]), TOY)
    assert 'the model has 21 classes, the dataset 10' in vocabulary_mismatch(_model(count=21), TOY)
    swapped = TOY[:4] + ['lemon', 'tomato'] + TOY[6:]
    assert vocabulary_mismatch(_model(swapped), TOY) == (
        "'tomato' is class 5 of the model, 4 of the dataset; 'lemon' is class 4 of the model, 5 of the dataset")
    other_words = [f'a {n}-like thing' for n in TOY]  # synonyms / other wording: the count only
    assert vocabulary_mismatch(_model(other_words), TOY) is None
    assert vocabulary_mismatch(_model(count=10), TOY) is None  # a plain decode head: the count only


@pytest.mark.parametrize('vocabulary', [TOY[:9], TOY[:4] + ['lemon', 'tomato'] + TOY[6:]])
def test_test_run_with_another_vocabulary_stops_before_the_first_image(tmp_path, vocabulary):
    options = dict(tiny_maskclip_options(tmp_path, num_samples=2)[1],
                   **{'model.decode_head.text_encoder.vocabulary': vocabulary})
    runner = build_runner(load_config('configs/maskclip/toy.py', cfg_options=options, work_dir=str(tmp_path)),
                          testing=True)
    with pytest.raises(ValueError, match='the vocabulary does not match the dataset ToySegDataset'):
        runner.test()


def test_label_values_above_the_classes_are_named_with_their_file():
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    samples = []
    for name, top in (('a.png', 9), ('b.png', 50)):
        sample = SegDataSample(metainfo=dict(seg_map_path=f'/data/{name}'))
        sample.gt_sem_seg = PixelData(data=torch.tensor([[[0, top], [255, 3]]]))
        samples.append(sample)
    runner = SimpleNamespace(model=_model(count=10))
    hook = ClassCheckHook()
    hook.before_train_iter(runner, 0, dict(data_samples=samples[:1]))  # 0-9 and the ignore index: fine
    for check in (hook.before_train_iter, hook.before_val_iter, hook.before_test_iter):
        with pytest.raises(ValueError, match=r'/data/b.png: label values \[50\] are not classes of the 10-class'):
            check(runner, 0, dict(data_samples=samples))
