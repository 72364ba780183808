"""tools/demo_app.py in a real browser: headless Chromium (Playwright) uploads an image, types
classes, picks a method and reads back the label map, which must equal segment_image's."""
import os
import os.path as osp
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import mmcv
import numpy as np
import open_clip
import pytest
import torch
from conftest import REPO_ROOT
from PIL import Image

from mmseg_textsup.apis import build_open_vocab_model, segment_image

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync']


def _port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not osp.isfile(CHROMIUM), reason='Debian chromium not installed (tools/setup.sh installs it)')
def test_the_web_demo_segments_an_uploaded_image_in_chromium(tmp_path):
    from playwright.sync_api import sync_playwright
    for arch, path in (('TextSup-Toy-ViT', 'toy_clip/toy_clip.pth'), ('TextSup-Toy-ViT4',
                                                                      'toy_clip_4blocks/toy_clip_4blocks.pth')):
        os.makedirs(tmp_path / 'work_dirs' / osp.dirname(path), exist_ok=True)  # random toy CLIP weights
        torch.save(open_clip.create_model(arch, pretrained=None).state_dict(), str(tmp_path / 'work_dirs' / path))
    image = str(tmp_path / 'photo.png')
    mmcv.imwrite(np.random.default_rng(0).integers(0, 255, (64, 96, 3), dtype=np.uint8), image)
    port = _port()
    app = subprocess.Popen([sys.executable, osp.join(REPO_ROOT, 'tools', 'demo_app.py'), '--methods', 'toy',
                            '--port', str(port)], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=dict(os.environ, GRADIO_ANALYTICS_ENABLED='False', OMP_NUM_THREADS='1'))
    try:
        url = f'http://127.0.0.1:{port}'
        for _ in range(120):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                assert app.poll() is None, app.stdout.read().decode()[-3000:]
                time.sleep(1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={'width': 1200, 'height': 900})
            page.goto(url, timeout=60000)
            page.locator('#image input[type=file]').set_input_files(image)
            page.locator('#classes textarea').fill('cat/kitty, grass, sky')
            page.locator('#method input').click()
            page.locator('#method input').fill('SCLIP')
            page.keyboard.press('Enter')
            page.locator('#segment').click()
            page.locator('#overlay img').wait_for(timeout=120000)
            href = page.locator('#labels a').first.get_attribute('href')
            shares = page.locator('#shares').inner_text()
            page.screenshot(path=str(tmp_path / 'demo_app.png'), full_page=True)
            browser.close()
        urllib.request.urlretrieve(href, str(tmp_path / 'labels.png'))
    finally:
        app.terminate()
        app.wait(30)
    shown = np.array(Image.open(tmp_path / 'labels.png'))
    cwd = os.getcwd()
    os.chdir(tmp_path)  # the toy config's weight paths are relative to the working folder
    try:
        model = build_open_vocab_model(osp.join(REPO_ROOT, 'configs', 'sclip', 'toy.py'))
        expected = segment_image(model, image, [['cat', 'kitty'], 'grass', 'sky'])
    finally:
        os.chdir(cwd)
    assert np.array_equal(shown, expected.labels)
    assert all(f'"{expected.class_names[c]}"' in shares for c in np.unique(expected.labels))
