import os.path as osp

import pytest
import torch
from mmengine.registry import init_default_scope

import mmseg_textsup  # noqa: F401  registers everything

init_default_scope('mmseg')  # as configs do with default_scope='mmseg'

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def pytest_configure(config):
    config.addinivalue_line('markers', 'slow: multi-process or long-running test (still part of CI)')


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)
