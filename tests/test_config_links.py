"""Links between configs: unique default work folders, and every pseudo-label folder a training
config reads is written by some config."""
import glob
import os.path as osp
from collections import defaultdict

import pytest
from conftest import REPO_ROOT
from mmengine.config import Config

from mmseg_textsup.engine.runner.tool_runner import default_work_dir, work_dir_of

CONFIDENCE_WRITERS = ('CLIPES', )  # the models whose predictions carry a confidence map
CONFIGS = sorted(
    p for p in glob.glob(osp.join(REPO_ROOT, 'configs', '**', '*.py'), recursive=True) if '_base_' not in p)


@pytest.fixture(scope='module')
def configs():
    return {osp.relpath(p, REPO_ROOT): Config.fromfile(p) for p in CONFIGS}


def test_default_work_dir_names_the_config_folder():
    assert default_work_dir('configs/segclip/pretrain.py') == osp.join('.', 'work_dirs', 'segclip', 'pretrain')
    assert default_work_dir('configs/sseg/pretrain.py') != default_work_dir('configs/segclip/pretrain.py')


def test_no_two_configs_share_a_work_folder(configs):
    users = defaultdict(list)
    for path, cfg in configs.items():
        users[osp.normpath(work_dir_of(cfg, path))].append(path)
    shared = {folder: paths for folder, paths in users.items() if len(paths) > 1}
    assert not shared, shared


def _pipeline_types(dataset: dict):
    return {step['type'] for step in dataset.get('pipeline', [])}


def pseudo_label_links(configs):
    """(reader config, folder it reads, whether it reads confidence maps) for every training set
    whose label folder is under work_dirs/, and {written folder: writer config}."""
    written = {}
    for path, cfg in configs.items():
        if cfg.get('pseudo_label_dir'):
            written[osp.normpath(cfg.pseudo_label_dir)] = path
    reads = []
    for path, cfg in configs.items():
        loader = cfg.get('train_dataloader')
        if not loader:
            continue
        dataset = loader['dataset']
        seg_maps = (dataset.get('data_prefix') or {}).get('seg_map_path', '')
        if seg_maps.startswith('work_dirs/'):
            reads.append((path, osp.normpath(seg_maps), 'LoadConfidenceMap' in _pipeline_types(dataset)))
    return reads, written


def test_every_pseudo_label_folder_read_is_written_by_a_config(configs):
    reads, written = pseudo_label_links(configs)
    assert len(reads) >= 8, reads  # S-Seg+ x 4, CLIP-ES x 5 (toy and VOC / COCO): the glob found them
    for reader, folder, with_confidence in reads:
        parent, leaf = osp.split(folder)
        assert leaf == 'labels', f'{reader} reads {folder}: pseudo labels are written to <pseudo_label_dir>/labels'
        assert parent in written, (f'{reader} trains on {folder}, which no config writes '
                                   f'(pseudo_label_dir of the writers: {sorted(written)})')
        if with_confidence:  # LoadConfidenceMap reads <pseudo_label_dir>/confidence, written with the labels
            writer = configs[written[parent]]
            assert writer.model.type in CONFIDENCE_WRITERS, (f'{reader} reads confidence maps that '
                                                             f'{written[parent]} does not write')
