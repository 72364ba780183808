"""Every config under configs/ builds with no weights and no network."""
import glob
import os.path as osp

import pytest
import torch
from conftest import REPO_ROOT
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS, MODELS

CONFIGS = sorted(
    p for p in glob.glob(osp.join(REPO_ROOT, 'configs', '**', '*.py'), recursive=True) if '_base_' not in p)
EXPECTED_CONFIGS = 85


def test_config_count():
    """Guard against a glob that silently finds nothing (mmseg's test_config pitfall)."""
    assert len(CONFIGS) == EXPECTED_CONFIGS, [osp.relpath(p, REPO_ROOT) for p in CONFIGS]


def test_every_config_is_listed_in_its_folders_metafile():
    import yaml
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


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, osp.join(REPO_ROOT, 'configs')))
def test_config_builds(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmseg'
    assert 'mmseg_textsup' in cfg.custom_imports['imports']
    init_default_scope('mmseg')
    with torch.no_grad():
        model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) > 0
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if cfg.get(key) is not None:
            dataset_cfg = cfg[key]['dataset']
            assert DATASETS.get(dataset_cfg['type']) is not None, dataset_cfg['type']
            if dataset_cfg['type'].startswith('Toy'):
                dataset = DATASETS.build(dict(dataset_cfg, num_samples=4))
                assert len(dataset) == 4 and dataset[0] is not None
