import time

import open_clip
import pytest
import torch
from helpers import TINY
from safetensors.torch import save_file

from mmseg_textsup.models.backbones import OpenCLIPVision
from mmseg_textsup.models.clip import hub
from mmseg_textsup.models.text_encoders import OpenCLIPTextClassifier


@pytest.fixture(scope='module')
def reference():
    torch.manual_seed(1)
    return open_clip.create_model(TINY, pretrained=None).eval()


def _assert_same_visual(tower, reference):
    for key, value in reference.visual.state_dict().items():
        assert torch.equal(tower.visual.state_dict()[key], value), key


@pytest.mark.parametrize('layout', ['plain', 'wrapped', 'module_prefix', 'safetensors'])
def test_local_checkpoint_layouts_load(tmp_path, reference, layout):
    sd = reference.state_dict()
    if layout == 'safetensors':
        path = tmp_path / 'clip.safetensors'
        save_file({k: v.contiguous() for k, v in sd.items()}, str(path))
    else:
        path = tmp_path / 'clip.pt'
        if layout == 'wrapped':
            sd = {'state_dict': sd}
        elif layout == 'module_prefix':
            sd = {f'module.{k}': v for k, v in sd.items()}
        torch.save(sd, path)
    tower = OpenCLIPVision(TINY, pretrained=str(path))
    tower.init_weights()
    _assert_same_visual(tower, reference)
    text = OpenCLIPTextClassifier(TINY, pretrained=str(path), vocabulary=['cat', 'dog'], templates='single')
    text.init_weights()
    ref_text = reference.transformer.state_dict()
    for key, value in text.tower.text.transformer.state_dict().items():
        assert torch.equal(value, ref_text[key]), key


def test_openai_torchscript_checkpoint_needs_quick_gelu(tmp_path):
    torch.manual_seed(2)
    model = open_clip.create_model(TINY, pretrained=None, force_quick_gelu=True).eval()
    images, text = torch.ones(2, 3, 32, 32), torch.zeros(2, 16, dtype=torch.long)
    traced = torch.jit.trace_module(model, dict(encode_image=(images, ), encode_text=(text, )), check_trace=False)
    path = tmp_path / 'openai_style.pt'
    torch.jit.save(traced, str(path))
    tower = OpenCLIPVision(TINY, pretrained=str(path), quick_gelu=True)
    tower.init_weights()
    _assert_same_visual(tower, model)
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        assert torch.allclose(tower.eval().forward_features(x, ('global', ))['global'], model.encode_image(x),
                              atol=1e-5)
    with pytest.raises(ValueError, match='QuickGELU'):  # left to decide, the tower would run them without it
        OpenCLIPVision(TINY, pretrained=str(path)).init_weights()
    gelu = OpenCLIPVision(TINY, pretrained=str(path), quick_gelu=False)  # an explicit choice (official MaskCLIP)
    gelu.init_weights()
    _assert_same_visual(gelu, model)


def test_missing_file_is_named():
    tower = OpenCLIPVision(TINY, pretrained='/nonexistent/dir/clip.pt')
    with pytest.raises(FileNotFoundError, match='/nonexistent/dir/clip.pt'):
        tower.init_weights()


def test_unknown_tag_lists_known_tags():
    with pytest.raises(ValueError, match="Known tags: .*openai"):
        hub.resolve_checkpoint('ViT-B-16', 'not_a_tag')


def test_download_failure_explains_offline_use(monkeypatch):
    def no_network(*args, **kwargs):
        raise ConnectionError('Name or service not known')

    monkeypatch.setattr(hub, '_offline_reason', lambda host: None)  # the hub answers, the download fails
    monkeypatch.setattr(open_clip, 'download_pretrained', no_network)
    with pytest.raises(RuntimeError, match='pass its local path as pretrained='):
        hub.resolve_checkpoint('ViT-B-16', 'openai')


@pytest.mark.parametrize('offline', [True, False])
def test_an_unreachable_hub_or_offline_mode_fails_within_seconds(monkeypatch, offline):
    def unreachable(*args, **kwargs):
        raise OSError('Name or service not known')

    def forbidden(*args, **kwargs):
        raise AssertionError('no download may be tried')

    monkeypatch.setattr(hub.socket, 'create_connection', unreachable)
    monkeypatch.setattr(open_clip, 'download_pretrained', forbidden)
    if offline:
        monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    start = time.time()
    with pytest.raises(RuntimeError, match='offline mode is set' if offline else 'huggingface.co is unreachable'):
        hub.resolve_checkpoint('ViT-B-16', 'openai')
    assert time.time() - start < 5


def test_cached_weights_need_no_network(monkeypatch, tmp_path):
    cached = tmp_path / 'open_clip_model.safetensors'
    cached.write_bytes(b'')
    monkeypatch.setattr('huggingface_hub.try_to_load_from_cache',
                        lambda repo, name: str(cached) if name == cached.name else None)
    monkeypatch.setattr(hub, '_offline_reason', lambda host: 'offline')
    assert hub.resolve_checkpoint('ViT-B-16', 'openai') == str(cached)


def test_openai_tag_selects_quick_gelu():
    assert hub.uses_quick_gelu('ViT-B-16', 'openai', None)
    assert not hub.uses_quick_gelu('ViT-B-16', None, None)
    assert not hub.uses_quick_gelu('ViT-B-16', 'openai', False)


def test_checkpoint_of_another_architecture_lists_keys(tmp_path):
    other = open_clip.create_model('TextSup-Tiny-RN', pretrained=None)
    path = tmp_path / 'rn.pt'
    torch.save(other.state_dict(), path)
    with pytest.raises(KeyError, match='missing keys .*unexpected keys'):
        OpenCLIPVision(TINY, pretrained=str(path)).init_weights()


def test_no_weights_touch_no_network(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError('network used')

    monkeypatch.setattr(open_clip, 'download_pretrained', forbidden)
    OpenCLIPVision('ViT-B-16', pretrained=None).init_weights()
