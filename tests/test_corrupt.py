"""The Corrupt transform (MaskCLIP's robustness study): ImageNet-C corruptions through imagecorruptions."""
import numpy as np
import pytest
from imagecorruptions import corrupt
from mmseg.registry import TRANSFORMS

from mmseg_textsup.models.maskclip import MASKCLIP_CORRUPTIONS


@pytest.mark.parametrize('name', MASKCLIP_CORRUPTIONS)
def test_every_corruption_of_the_study_applies_at_levels_1_and_5(name):
    img = (np.random.default_rng(0).random((40, 48, 3)) * 255).astype(np.uint8)
    for level in (1, 5):
        out = TRANSFORMS.build(dict(type='Corrupt', name=name, level=level, seed=3))(dict(img=img.copy()))['img']
        assert out.shape == img.shape and out.dtype == np.uint8
        assert not np.array_equal(out, img)
        if name == 'impulse_noise':  # scikit-image draws it from a generator of its own: not seedable
            continue
        np.random.seed(3)
        expected = np.asarray(corrupt(img.copy(), corruption_name=name, severity=level), dtype=np.uint8)
        np.testing.assert_array_equal(out, expected)  # the library's corruption of the image as loaded


def test_stronger_levels_change_the_image_more():
    img = (np.random.default_rng(1).random((32, 32, 3)) * 255).astype(np.uint8)
    diffs = [np.abs(TRANSFORMS.build(dict(type='Corrupt', name='gaussian_noise', level=level, seed=0))(
        dict(img=img.copy()))['img'].astype(float) - img).mean() for level in (1, 5)]
    assert diffs[0] < diffs[1]


@pytest.mark.parametrize('kwargs, message', [(dict(name='fog_of_war', level=1), "unknown corruption 'fog_of_war'"),
                                             (dict(name='spatter', level=6), 'level must be 1, 2, 3, 4 or 5')])
def test_unknown_corruptions_and_levels_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TRANSFORMS.build(dict(type='Corrupt', **kwargs))
