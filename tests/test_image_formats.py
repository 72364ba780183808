"""Images and label maps in the formats found in the wild load correctly or fail saying why."""
import numpy as np
import pytest
from mmcv.transforms import LoadImageFromFile
from mmseg.registry import TRANSFORMS
from PIL import Image

RNG = np.random.default_rng(0)
RGB = RNG.integers(0, 255, (20, 30, 3), dtype=np.uint8)


@pytest.mark.parametrize('name,make', [
    ('gray.png', lambda: Image.fromarray(RGB[..., 0])),
    ('rgba.png', lambda: Image.fromarray(RGB).convert('RGBA')),
    ('palette.png', lambda: Image.fromarray(RGB).convert('P')),
    ('cmyk.jpg', lambda: Image.fromarray(RGB).convert('CMYK')),
    ('sixteen.png', lambda: Image.fromarray(RGB[..., 0].astype(np.uint16) * 257)),
])
def test_images_of_every_format_load_as_three_channel_uint8(tmp_path, name, make):
    path = str(tmp_path / name)
    make().save(path)
    img = LoadImageFromFile()(dict(img_path=path))['img']
    assert img.shape == (20, 30, 3) and img.dtype == np.uint8


def _load(path):
    t = TRANSFORMS.build(dict(type='LoadCheckedAnnotations'))
    return t(dict(seg_map_path=str(path), reduce_zero_label=False, seg_fields=[]))['gt_seg_map']


def test_label_maps_load_or_fail_with_a_reason(tmp_path):
    labels = np.zeros((20, 30), np.uint8)
    labels[5:10] = 3
    palette = Image.fromarray(labels, 'P')
    palette.putpalette([0, 0, 0, 128, 0, 0, 0, 128, 0, 128, 128, 0] * 64)
    palette.save(tmp_path / 'palette.png')
    np.testing.assert_array_equal(_load(tmp_path / 'palette.png'), labels)  # indices, not colours
    Image.fromarray(labels.astype(np.uint16)).save(tmp_path / 'small16.png')
    np.testing.assert_array_equal(_load(tmp_path / 'small16.png'), labels)
    Image.fromarray(np.stack([labels] * 3, -1)).save(tmp_path / 'gray_as_rgb.png')
    np.testing.assert_array_equal(_load(tmp_path / 'gray_as_rgb.png'), labels)
    Image.fromarray(labels.astype(np.uint16) * 100).save(tmp_path / 'big16.png')
    with pytest.raises(ValueError, match=r'big16.png: class ids up to 300'):
        _load(tmp_path / 'big16.png')  # mmseg's LoadAnnotations silently turns 300 into 44
    colour = np.stack([labels * 40, labels, labels * 0], -1)
    Image.fromarray(colour).save(tmp_path / 'colour.png')
    with pytest.raises(ValueError, match=r'colour.png: a colour \(RGB\) label map'):
        _load(tmp_path / 'colour.png')
    with pytest.raises(FileNotFoundError, match='missing.png'):
        _load(tmp_path / 'missing.png')


@pytest.mark.parametrize('reduce_zero_label,label_map', [(False, None), (True, None), (False, {3: 1, 1: 3})])
def test_checked_loader_matches_mmseg_on_valid_label_maps(tmp_path, reduce_zero_label, label_map):
    from mmseg.datasets.transforms import LoadAnnotations
    labels = RNG.integers(0, 6, (20, 30)).astype(np.uint8)
    labels[0] = 255
    Image.fromarray(labels).save(tmp_path / 'l.png')

    def load(transform):
        results = dict(seg_map_path=str(tmp_path / 'l.png'), reduce_zero_label=reduce_zero_label, seg_fields=[])
        if label_map:
            results['label_map'] = label_map
        return transform(results)['gt_seg_map']

    ours = load(TRANSFORMS.build(dict(type='LoadCheckedAnnotations')))
    np.testing.assert_array_equal(ours, load(LoadAnnotations()))
    assert ours.dtype == np.uint8
