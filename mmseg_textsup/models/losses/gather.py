"""Gathering features from all ranks with gradients (negatives for contrastive losses)."""
import torch
import torch.distributed as dist
import torch.distributed.nn.functional as dist_fn
from torch import Tensor


def gather_with_grad(x: Tensor) -> Tensor:
    """Concatenate ``x`` from every rank along dim 0, keeping gradients.

    Every rank then computes the loss of the whole global batch; the backward of the
    all-gather sums the gradients of each rank's slice, and DDP's averaging makes the
    update equal to that of one process holding the whole batch.
    """
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return x
    return torch.cat(dist_fn.all_gather(x), dim=0)
