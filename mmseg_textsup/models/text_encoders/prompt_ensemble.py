"""Prompt ensembles shared by the frozen classifier and the pre-training models."""
from typing import Callable, List, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor


def prompt_ensemble(encode: Callable[[List[str]], Tensor],
                    vocabulary: List[List[str]],
                    templates: List[str],
                    fusion: str = 'max',
                    batch_size: int = 256) -> Tuple[Tensor, Tensor]:
    """Class embeddings from a prompt ensemble.

    Every name is put into every template; the prompt embeddings are L2-normalised,
    averaged over templates and normalised again. With ``fusion='max'`` each synonym keeps
    its own row; with ``'mean'`` the synonyms of a class are averaged and normalised.

    Args:
        encode: maps a list of prompts to their (unnormalised) embeddings (N, D).
        vocabulary: synonyms of every class.
        templates: format strings with one ``{}``.
        fusion: ``'max'`` or ``'mean'``.
        batch_size: prompts per ``encode`` call.

    Returns:
        tuple: embeddings (E, D) and the class of every row (E,).
    """
    names = [n for synonyms in vocabulary for n in synonyms]
    owner = torch.tensor([c for c, synonyms in enumerate(vocabulary) for _ in synonyms])
    prompts = [t.format(n) for n in names for t in templates]
    chunks = [encode(prompts[i:i + batch_size]).float() for i in range(0, len(prompts), batch_size)]
    emb = F.normalize(torch.cat(chunks), dim=-1).reshape(len(names), len(templates), -1)
    emb = F.normalize(emb.mean(dim=1), dim=-1)
    if fusion == 'mean':
        summed = emb.new_zeros(len(vocabulary), emb.shape[1]).index_add_(0, owner.to(emb.device), emb)
        return F.normalize(summed, dim=-1), torch.arange(len(vocabulary))
    return emb, owner


def reduce_synonyms(scores: Tensor, owner: Tensor, num_classes: int, dim: int = 1) -> Tensor:
    """Per-class scores from per-row scores: the max over each class's synonyms."""
    if scores.shape[dim] == num_classes:
        return scores
    moved = scores.movedim(dim, -1)
    index = owner.to(scores.device).expand(*moved.shape[:-1], -1)
    out = moved.new_full((*moved.shape[:-1], num_classes), float('-inf'))
    out = out.scatter_reduce(-1, index, moved, reduce='amax', include_self=True)
    return out.movedim(-1, dim)
