from unittest import mock

import open_clip
import pytest
import torch
import torch.nn.functional as F
from helpers import TINY

from mmseg_textsup.models.clip import split_clip_state_dict
from mmseg_textsup.models.text_encoders import OpenCLIPTextClassifier
from mmseg_textsup.prompts import TEMPLATE_SETS, get_templates
from mmseg_textsup.vocabularies import available_vocabularies, load_vocabulary


@pytest.fixture(scope='module')
def clip_model():
    torch.manual_seed(3)
    return open_clip.create_model(TINY, pretrained=None).eval()


def _classifier(clip_model, **kwargs):
    clf = OpenCLIPTextClassifier(TINY, **kwargs)
    clf.tower.text.load_state_dict(split_clip_state_dict(clip_model.state_dict())[1])
    return clf.eval()


def _hand_ensemble(clip_model, name, templates):
    tokenizer = open_clip.get_tokenizer(TINY)
    with torch.no_grad():
        emb = clip_model.encode_text(tokenizer([t.format(name) for t in templates]))
    emb = F.normalize(emb, dim=-1).mean(0)
    return F.normalize(emb, dim=-1)


def test_embeddings_equal_hand_computed_prompt_ensemble(clip_model):
    clf = _classifier(clip_model, vocabulary=['cat', 'grass', 'sky'], templates='maskclip_85')
    emb = clf.embeddings()
    assert emb.shape == (3, 32)
    for i, name in enumerate(['cat', 'grass', 'sky']):
        ref = _hand_ensemble(clip_model, name, TEMPLATE_SETS['maskclip_85'])
        assert (emb[i] - ref).abs().max().item() < 1e-5
    assert torch.allclose(emb.norm(dim=-1), torch.ones(3), atol=1e-5)


def test_synonym_max_and_mean_fusion(clip_model):
    vocab = [['cat', 'kitty'], ['sky']]
    feats = torch.randn(2, 32, 3, 4)
    max_clf = _classifier(clip_model, vocabulary=vocab, templates='single', synonym_fusion='max')
    scores = max_clf(feats)
    e = {n: _hand_ensemble(clip_model, n, ['a photo of a {}.']) for n in ['cat', 'kitty', 'sky']}
    f = F.normalize(feats, dim=1)
    cos = {n: torch.einsum('bdhw,d->bhw', f, v) for n, v in e.items()}
    assert torch.allclose(scores[:, 0], torch.maximum(cos['cat'], cos['kitty']), atol=1e-5)
    assert torch.allclose(scores[:, 1], cos['sky'], atol=1e-5)
    mean_clf = _classifier(clip_model, vocabulary=vocab, templates='single', synonym_fusion='mean')
    fused = F.normalize(e['cat'] + e['kitty'], dim=-1)
    assert torch.allclose(mean_clf.embeddings()[0], fused, atol=1e-5)


def test_embeddings_are_cached_and_invalidated(clip_model):
    clf = _classifier(clip_model, vocabulary='voc21', templates='single')
    feats = torch.randn(1, 32, 2, 2)
    with mock.patch.object(clf.tower, 'forward', wraps=clf.tower.forward) as tower:
        clf(feats)
        calls = tower.call_count
        assert calls >= 1
        for _ in range(5):
            clf(feats)
        assert tower.call_count == calls
        assert 'embeddings' not in ''.join(clf.state_dict())  # non-persistent
        clf.set_vocabulary(['cat', 'dog'])
        assert clf(feats).shape == (1, 2, 2, 2)
        assert tower.call_count == calls + 1
        clf.load_state_dict(clf.state_dict())
        clf(feats)
        assert tower.call_count == calls + 2


def test_a_trainable_tower_invalidates_the_cache_in_a_training_step():
    clf = OpenCLIPTextClassifier(tower=dict(type='OpenCLIPText', model_name=TINY), vocabulary='toy',
                                 templates='single')
    cached = clf.eval().embeddings()
    with torch.no_grad():
        clf.encode(clf.tokenize(['a cat']))  # evaluation: the cache stays
    assert clf.embeddings() is cached
    clf.train().encode(clf.tokenize(['a cat']))  # a training forward: the tower is about to change
    assert clf.embeddings() is not cached


def test_model_name_and_tower_are_exclusive():
    with pytest.raises(ValueError, match='either model_name'):
        OpenCLIPTextClassifier(TINY, tower=dict(type='OpenCLIPText', model_name=TINY))
    with pytest.raises(ValueError, match='either model_name'):
        OpenCLIPTextClassifier()


def test_shipped_vocabularies_have_expected_sizes():
    sizes = {
        'voc21': 21, 'voc20': 20, 'voc21_stuff': 21, 'context60': 60, 'context59': 59, 'coco_object': 81,
        'coco_stuff171': 171, 'ade150': 150, 'cityscapes19': 19, 'bg_sclip26': 26, 'bg_clip_es_voc25': 25,
        'bg_clip_es_coco23': 23
    }
    assert set(sizes) <= set(available_vocabularies())
    for name, size in sizes.items():
        assert len(load_vocabulary(name)) == size, name
    assert len(load_vocabulary('voc21_stuff')[0]) == 26


@pytest.mark.parametrize('content, message', [
    ('', 'is empty'),
    ('cat\n\ndog\n', r'line 2: empty line'),
    ('cat\ndog, \n', r'line 2: empty synonym'),
    ('cat\ndog\ncat\n', r"line 3: 'cat' already used on line 1"),
])
def test_bad_vocabulary_files_name_file_and_line(tmp_path, content, message):
    path = tmp_path / 'classes.txt'
    path.write_text(content)
    with pytest.raises(ValueError, match=message) as err:
        load_vocabulary(str(path))
    assert str(path) in str(err.value)


def test_semicolon_vocabularies_keep_commas_in_names(tmp_path):
    path = tmp_path / 'classes.txt'
    path.write_text("# synonyms separated by ';'\nsky; wall\nperson, person in shirt\n")
    assert load_vocabulary(str(path)) == [['sky', 'wall'], ['person, person in shirt']]
    proxyclip = load_vocabulary('proxyclip_voc21')
    assert proxyclip[0][:2] == ['sky', 'wall'] and len(proxyclip) == 21


def test_missing_and_unknown_vocabularies():
    with pytest.raises(FileNotFoundError, match='/no/such/classes.txt'):
        load_vocabulary('/no/such/classes.txt')
    with pytest.raises(ValueError, match='Unknown vocabulary'):
        load_vocabulary('voc22')


def test_template_sets():
    assert len(get_templates('openai_imagenet_80')) == 80
    maskclip = get_templates('maskclip_85')
    assert len(maskclip) == 85 and maskclip[-1] == 'this is one {} in the scene.'
    assert get_templates('clip_es') == ['a clean origami {}.']
    assert get_templates('single') == ['a photo of a {}.']
    with pytest.raises(ValueError, match='exactly one'):
        get_templates(['no placeholder'])


def test_embeddings_are_read_back_from_the_disk_cache_for_the_same_weights_and_prompts(tmp_path, monkeypatch):
    """A second classifier with the same tower weights, vocabulary and templates reads the first one's
    embeddings (no encoding); other weights or another vocabulary are computed afresh."""
    monkeypatch.setenv('MMSEG_TEXTSUP_CACHE_DIR', str(tmp_path / 'cache'))

    def classifier(seed, vocabulary='toy'):
        torch.manual_seed(seed)
        return OpenCLIPTextClassifier(model_name=TINY, vocabulary=vocabulary, templates='single')

    first = classifier(0)
    expected = first.embeddings()
    assert len(list((tmp_path / 'cache').glob('*.pt'))) == 1
    again = classifier(0)
    with mock.patch.object(again, 'encode_prompts', side_effect=AssertionError('encoded again')):
        torch.testing.assert_close(again.embeddings(), expected, rtol=0, atol=0)
    other = classifier(1)
    assert not torch.allclose(other.embeddings(), expected)
    assert classifier(0, vocabulary=['cat', 'dog']).embeddings().shape[0] == 2
    assert len(list((tmp_path / 'cache').glob('*.pt'))) == 3 and not list((tmp_path / 'cache').glob('*.tmp*'))
    monkeypatch.setenv('MMSEG_TEXTSUP_CACHE_DIR', '')  # off
    off = classifier(0)
    with mock.patch.object(off, 'encode_prompts', wraps=off.encode_prompts) as encode:
        off.embeddings()
    assert encode.call_count >= 1
