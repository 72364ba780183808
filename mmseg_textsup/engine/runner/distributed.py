"""Distributed runs on machines without CUDA (gloo), for ``tools/dist_train.sh CONFIG N``.

MMEngine's ``pytorch`` launcher calls ``torch.cuda.set_device`` and wraps the model with
``device_ids=[LOCAL_RANK]``; both fail without a GPU. On such a machine the process group
is initialised here with gloo before the Runner is built (the Runner then skips its own
initialisation), DDP gets ``device_ids=None`` and SyncBN (CUDA only) becomes BN. With CUDA
nothing changes.
"""
import torch
import torch.distributed as dist
from mmengine.config import Config
from mmengine.logging import print_log


def _sync_bn_to_bn(node) -> int:
    """Replace ``type='SyncBN'`` by ``'BN'`` in a (nested) config; returns how many."""
    count = 0
    if isinstance(node, dict):
        if node.get('type') == 'SyncBN':
            node['type'] = 'BN'
            count += 1
        for value in node.values():
            count += _sync_bn_to_bn(value)
    elif isinstance(node, (list, tuple)):
        count += sum(_sync_bn_to_bn(v) for v in node)
    return count


def prepare_cpu_distributed(cfg: Config, launcher: str) -> None:
    """Set up a gloo process group and a CPU DDP wrapper when ``launcher`` asks for one."""
    if launcher == 'none' or torch.cuda.is_available():
        return
    if launcher != 'pytorch':
        raise ValueError(f'Without CUDA only --launcher pytorch (torchrun) is supported, got {launcher!r}')
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    if _sync_bn_to_bn(cfg.model):  # SyncBatchNorm needs CUDA
        print_log('CPU distributed run: SyncBN layers become per-process BN', 'current', level=30)
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


def finish_distributed() -> None:
    """Tear the process group down before the interpreter exits.

    Left to interpreter shutdown, gloo's worker threads can be destroyed while still joinable
    ("terminate called without an active exception", SIGABRT in one rank after a finished run).
    The barrier keeps a rank from tearing down while another still uses the group.
    """
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
