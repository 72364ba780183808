"""Every config under configs/ builds with no weights and no network."""
import copy
import glob
import importlib.util
import json
import os.path as osp

import pytest
import torch
import yaml
from conftest import REPO_ROOT
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS, MODELS

CONFIGS = sorted(
    p for p in glob.glob(osp.join(REPO_ROOT, 'configs', '**', '*.py'), recursive=True) if '_base_' not in p)
EXPECTED_CONFIGS = 199
METAFILE_TOOL = osp.join(REPO_ROOT, 'tools', 'misc', 'update_metafiles.py')


def test_config_count():
    """Guard against a glob that silently finds nothing (mmseg's test_config pitfall)."""
    assert len(CONFIGS) == EXPECTED_CONFIGS, [osp.relpath(p, REPO_ROOT) for p in CONFIGS]


def test_every_config_is_listed_in_its_folders_metafile():
    listed = []
    for metafile in sorted(glob.glob(osp.join(REPO_ROOT, 'configs', '*', 'metafile.yaml'))):
        with open(metafile) as f:
            meta = yaml.safe_load(f)
        folder = osp.basename(osp.dirname(metafile))
        assert meta['Collections'] and all(m['In Collection'] == meta['Collections'][0]['Name'] for m in meta['Models'])
        for model in meta['Models']:
            assert model['Config'].startswith(f'configs/{folder}/'), model
            assert osp.isfile(osp.join(REPO_ROOT, model['Config'])), model['Config']
            listed.append(osp.join(REPO_ROOT, model['Config']))
    assert sorted(listed) == sorted(CONFIGS)  # each config once, none missing, none stale


def test_metafile_recipes_are_read_from_the_configs():
    spec = importlib.util.spec_from_file_location('update_metafiles', METAFILE_TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    for metafile in sorted(glob.glob(osp.join(REPO_ROOT, 'configs', '*', 'metafile.yaml'))):
        with open(metafile) as f:
            assert yaml.safe_load(f) == tool.updated_metafile(osp.dirname(metafile), {}), (
                f'{metafile} is stale: python tools/misc/update_metafiles.py')


def test_metafile_results_come_from_the_first_toy_row_of_a_config(tmp_path):
    spec = importlib.util.spec_from_file_location('update_metafiles', METAFILE_TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    seeds = [dict(seed=i, mIoU=m) for i, m in enumerate((70.0, 72.0, 74.0))]
    (tmp_path / 'maskclip_plus.json').write_text(json.dumps(dict(mIoU=72.0, mIoU_std=2.0, seeds=seeds)))
    (tmp_path / 'maskclip_qk.json').write_text(json.dumps(dict(mIoU=6.5, seeds=seeds[:1])))
    (tmp_path / 'maskclip_value.json').write_text(json.dumps(dict(mIoU=69.5, seeds=seeds[:1])))
    measured = tool.toy_results(str(tmp_path))
    results, notes = measured['configs/maskclip_plus/toy.py']
    assert results[0]['Metrics'] == {'mIoU': 72.0} and '+- 2.0 over 3 seeds' in notes
    # configs/maskclip/toy.py: its first row ('maskclip', the config as it is) is not measured; the
    # later rows measure variants (--cfg-options), so the entry keeps what it has
    assert 'configs/maskclip/toy.py' not in measured


def test_toy_benchmark_rows_name_configs_and_options_that_exist():
    """A renamed config, option key or row fails here, not an hour into a toy benchmark run."""
    spec = importlib.util.spec_from_file_location('toy_benchmark', osp.join(REPO_ROOT, 'tools/toy_benchmark.py'))
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    keys = [row.key for row in bench.ROWS]
    assert len(keys) == len(set(keys))
    assert len({(row.method, row.setting) for row in bench.ROWS}) == len(keys)  # the docs table's lines are told apart
    for i, row in enumerate(bench.ROWS):
        assert row.trained_by is None or row.trained_by in keys[:i], row.key
        assert row.toy_clip is None or row.toy_clip in keys[:i], row.key
        cfg = Config.fromfile(osp.join(REPO_ROOT, row.config))
        weight_keys = bench.toy_clip_keys(row.config) if row.toy_clip else []
        assert not row.toy_clip or weight_keys, row.key  # the toy CLIP reaches the model
        for option in row.options + [f'{key}=' for key in weight_keys]:
            *parents, last = option.split('=')[0].split('.')
            node = cfg
            for part in parents:  # every level above the option's key exists
                node = node[int(part)] if isinstance(node, list) else node[part]
            assert not isinstance(node, list) or int(last) < len(node), (row.key, option)


def test_toy_benchmark_finds_the_weight_keys_of_a_config():
    spec = importlib.util.spec_from_file_location('toy_benchmark', osp.join(REPO_ROOT, 'tools/toy_benchmark.py'))
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    maskclip = ['model.backbone.pretrained', 'model.decode_head.text_encoder.pretrained']
    assert bench.toy_clip_keys('configs/maskclip/toy.py') == maskclip
    assert sorted(bench.toy_clip_keys('configs/maskclip_plus/toy.py')) == [
        'model.classifier.text_encoder.pretrained', 'model.teacher.backbone.pretrained',
        'model.teacher.decode_head.text_encoder.pretrained']


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, osp.join(REPO_ROOT, 'configs')))
def test_config_builds(path, toy_tokenizer):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmseg'
    assert 'mmseg_textsup' in cfg.custom_imports['imports']
    init_default_scope('mmseg')
    try:  # on the meta device: every module is built, no memory is filled (seconds for ViT-L/14)
        with torch.device('meta'):
            model = MODELS.build(copy.deepcopy(cfg.model))  # building may edit the config
    except RuntimeError as err:  # mmseg's Swin / MAE read drop-path rates with .item() at build time
        if 'meta' not in str(err):
            raise
        with torch.no_grad():
            model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) > 0
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if cfg.get(key) is not None:
            dataset_cfg = cfg[key]['dataset']
            assert DATASETS.get(dataset_cfg['type']) is not None, dataset_cfg['type']
            if dataset_cfg['type'].startswith('Toy'):
                for step in dataset_cfg.get('pipeline', []):  # a fresh clone has no data/toy/
                    if (step.get('hf_tokenizer') or '').startswith('data/toy/'):
                        step['hf_tokenizer'] = toy_tokenizer
                dataset = DATASETS.build(dict(dataset_cfg, num_samples=4))
                assert len(dataset) == 4 and dataset[0] is not None


def test_docs_toy_table_lines_belong_to_toy_benchmark_rows(tmp_path):
    """docs/toy_world.md's table is the toy benchmark's: every line names a row, in the rows' order,
    so ``--docs`` refreshes it in place (a run with nothing measured leaves it as it is)."""
    spec = importlib.util.spec_from_file_location('toy_benchmark', osp.join(REPO_ROOT, 'tools/toy_benchmark.py'))
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    docs = tmp_path / 'toy_world.md'
    original = open(osp.join(REPO_ROOT, 'docs', 'toy_world.md')).read()
    docs.write_text(original)
    bench.update_docs_table(str(docs), str(tmp_path / 'nothing_measured'))
    assert docs.read_text() == original
    result = dict(method='MaskCLIP', setting='baseline: plain q-k last-block tokens', mIoU=7.25, minutes=0.5,
                  per_class_IoU={'grass': 1.0}, seeds=[dict(seed=0, mIoU=7.25)])
    (tmp_path / 'out').mkdir()
    (tmp_path / 'out' / 'maskclip_qk.json').write_text(json.dumps(result))
    bench.update_docs_table(str(docs), str(tmp_path / 'out'))
    changed = [line for line in docs.read_text().splitlines() if line not in original.splitlines()]
    assert changed == ['| MaskCLIP | baseline: plain q-k last-block tokens | 7.2 | grass 1.0 | 0.5 |']
