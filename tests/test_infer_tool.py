"""tools/infer.py: a folder of images into label maps, overlays and score maps; resumable; a
bad image is named and skipped."""
import importlib.util
import json
import os
import os.path as osp

import mmcv
import numpy as np
from conftest import REPO_ROOT
from helpers import TINY, tiny_maskclip_options
from PIL import Image

from mmseg_textsup.apis import build_open_vocab_model, clip_tower_options, segment_image

CONFIG = osp.join(REPO_ROOT, 'configs', 'sclip', 'voc21.py')
OPTIONS = ['model.decode_head.text_encoder.templates=single']


def _tool():
    spec = importlib.util.spec_from_file_location('infer', osp.join(REPO_ROOT, 'tools', 'infer.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_folder_with_a_corrupt_image(tmp_path, capsys):
    photos = tmp_path / 'photos'
    (photos / 'sub').mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name, size in (('a.jpg', (60, 90)), ('sub/b.png', (40, 50))):
        mmcv.imwrite(rng.integers(0, 255, (*size, 3), dtype=np.uint8), str(photos / name))
    (photos / 'broken.jpg').write_bytes(b'\xff\xd8 not a jpeg')
    out = tmp_path / 'out'
    clip, _ = tiny_maskclip_options(tmp_path)  # a tiny CLIP saved as a local weight file
    args = [CONFIG, '--input', str(photos), '--texts', 'cat/kitty, grass, sky', '--out', str(out), '--scores',
            '--model', TINY, '--pretrained', clip, '--cfg-options', *OPTIONS]
    infer = _tool()
    assert infer.main(args) == 1
    err = capsys.readouterr().err
    assert 'broken.jpg' in err and 'a.jpg' not in err
    assert 'broken.jpg' in (out / 'failed.txt').read_text()
    assert json.loads((out / 'classes.json').read_text())['classes'] == ['cat', 'grass', 'sky']
    labels = Image.open(out / 'labels' / 'sub' / 'b.png')
    assert labels.mode == 'P' and labels.size == (50, 40)
    assert np.load(out / 'scores' / 'a.npz')['scores'].shape == (3, 60, 90)
    overlay = mmcv.imread(str(out / 'overlays' / 'a.png'))
    assert overlay.shape[0] > 60  # the legend below the image
    model = build_open_vocab_model(CONFIG, cfg_options=dict(
        clip_tower_options(CONFIG, TINY, clip), **{'model.decode_head.text_encoder.templates': 'single'}))
    expected = segment_image(model, str(photos / 'a.jpg'), [['cat', 'kitty'], 'grass', 'sky'])
    assert np.array_equal(np.array(Image.open(out / 'labels' / 'a.png')), expected.labels)

    # a second run: the finished images are skipped, the broken one is tried again
    stamp = os.stat(out / 'labels' / 'a.png').st_mtime_ns
    assert infer.main(args) == 1
    assert '2 already done' in capsys.readouterr().out
    assert os.stat(out / 'labels' / 'a.png').st_mtime_ns == stamp
    assert not [f for f in os.listdir(out / 'labels') if '.tmp' in f]
    # other classes into the same folder are refused
    other = args[:args.index('--texts') + 1] + ['dog'] + args[args.index('--texts') + 2:]
    try:
        infer.main(other)
    except SystemExit as exc:
        assert 'other classes' in str(exc)
    else:
        raise AssertionError('a different vocabulary was written into the same folder')
