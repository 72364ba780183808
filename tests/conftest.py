import os
import os.path as osp

import pytest
import torch
from mmengine.registry import init_default_scope

import mmseg_textsup  # noqa: F401  registers everything

init_default_scope('mmseg')  # as configs do with default_scope='mmseg'
if os.environ.get('PYTEST_XDIST_WORKER_COUNT'):  # tools/run_tests.sh: share the cores among the workers
    torch.set_num_threads(max(1, torch.get_num_threads() // int(os.environ['PYTEST_XDIST_WORKER_COUNT'])))

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def pytest_configure(config):
    config.addinivalue_line('markers', 'slow: multi-process or long-running test (still part of CI)')
    # no text-embedding cache between tests (tests count encodings; test_text_classifier.py turns it on)
    os.environ['MMSEG_TEXTSUP_CACHE_DIR'] = ''


@pytest.fixture(scope='session')
def toy_tokenizer(tmp_path_factory):
    """The toy world's WordPiece tokenizer (configs read it from data/toy/bert_tokenizer)."""
    from mmseg_textsup.datasets.toy.export import write_toy_tokenizer
    return write_toy_tokenizer(str(tmp_path_factory.mktemp('bert_tokenizer')))


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)
