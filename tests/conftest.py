import os.path as osp

import pytest
import torch

import mmseg_textsup  # noqa: F401  registers everything

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def pytest_configure(config):
    config.addinivalue_line('markers', 'slow: multi-process or long-running test (still part of CI)')


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)
