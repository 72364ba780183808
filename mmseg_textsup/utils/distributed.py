"""Distributed runs on machines without CUDA (gloo), for ``tools/dist_train.sh CONFIG N``.

MMEngine's ``pytorch`` launcher calls ``torch.cuda.set_device`` and wraps the model with
``device_ids=[LOCAL_RANK]``; both fail without a GPU. On such a machine the process group
is initialised here with gloo before the Runner is built (the Runner then skips its own
initialisation) and DDP gets ``device_ids=None``. With CUDA nothing changes.
"""
import torch
import torch.distributed as dist
from mmengine.config import Config


def prepare_cpu_distributed(cfg: Config, launcher: str) -> None:
    """Set up a gloo process group and a CPU DDP wrapper when ``launcher`` asks for one."""
    if launcher == 'none' or torch.cuda.is_available():
        return
    if launcher != 'pytorch':
        raise ValueError(f'Without CUDA only --launcher pytorch (torchrun) is supported, got {launcher!r}')
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    wrapper.setdefault('type', 'MMDistributedDataParallel')
    wrapper['device_ids'] = None
    wrapper.setdefault('find_unused_parameters', cfg.get('find_unused_parameters', False))
    cfg.model_wrapper_cfg = wrapper


def use_separate_ddp_for_testing(cfg: Config, launcher: str) -> None:
    """Distributed testing needs no gradient synchronisation, and plain DDP refuses models with
    nothing to train (every training-free config): wrap only the submodules that have trainable
    parameters (MMEngine's ``MMSeparateDistributedDataParallel``), none for training-free models."""
    if launcher == 'none':
        return
    cfg.model_wrapper_cfg = dict(cfg.get('model_wrapper_cfg') or {}, type='MMSeparateDistributedDataParallel')
