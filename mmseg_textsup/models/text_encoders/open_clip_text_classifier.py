from typing import Callable, Dict, List, Literal, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor

from ...prompts import get_templates
from ...vocabularies import VocabularyLike, load_vocabulary
from .embedding_cache import cached_embeddings, embedding_key
from .prompt_ensemble import prompt_ensemble, reduce_synonyms


@MODELS.register_module()
class OpenCLIPTextClassifier(BaseModule):
    """Class embeddings of a vocabulary from a text tower: the classifier of every model here.

    For every class, each synonym is put into every template, encoded, L2-normalised per
    template, averaged and normalised again (CLIP's prompt ensemble). Synonyms are fused by
    the max of their cosines (``'max'``, also how a multi-word background such as SCLIP's 26
    stuff words is scored), by averaging their embeddings (``'mean'``), or by the max of their
    probabilities after the segmentor's softmax over every synonym (``'max_probability'``,
    SCLIP's protocol: :meth:`forward` then gives one channel per synonym and
    :meth:`fuse_probabilities` the classes).

    The tower is a frozen open_clip text tower (``model_name`` + ``pretrained``: zero-shot
    classifiers) or any tower config (``tower``: e.g. a trainable :class:`OpenCLIPText` of a
    pre-training model, whose :meth:`encode` is the training path). The embeddings are
    computed on first use and kept in a non-persistent buffer until the tower changes: a
    new vocabulary (:meth:`set_vocabulary`, no rebuild), loaded weights, or a training-mode
    :meth:`encode` with gradients (a training step). A frozen tower's embeddings are also kept on
    disk between runs (:mod:`.embedding_cache`: keyed by the tower's weights, the vocabulary and
    the templates; ``MMSEG_TEXTSUP_CACHE_DIR=''`` turns it off).

    ``forward(features)``: cosine similarity of (B, D, ...) features with every class (B, K, ...).

    Args:
        model_name (str, optional): open_clip architecture of a frozen tower (must match the
            image tower). Exclusive with ``tower``. Defaults to None.
        pretrained (str, optional): open_clip tag or local checkpoint of that tower, loaded in
            :meth:`init_weights`. Defaults to None (random weights).
        quick_gelu (bool, optional): force QuickGELU; None decides from model and tag.
            Defaults to None.
        tower (dict, optional): config of the text tower (``tokenize(texts)`` and
            ``forward(tokens, return_tokens=False)`` returning ``{'global': ...}``).
            Defaults to None.
        vocabulary (str | list): a shipped vocabulary name, a file, or a list of classes.
            Defaults to ``'voc21'``.
        templates (str | list[str]): a template-set name (``'maskclip_85'``,
            ``'openai_imagenet_80'``, ``'clip_es'``, ``'single'``) or a list of templates.
            Defaults to ``'maskclip_85'``.
        synonym_fusion (str): ``'max'``, ``'mean'`` or ``'max_probability'``. Defaults to ``'max'``.
        pool_tokens (callable, optional): prompt embeddings from the tower's token features,
            ``pool_tokens(tokens (B, L, D), mask (B, L)) -> (B, D)``, instead of its global
            embedding (SimSeg's u^T). Defaults to None.
        batch_size (int): prompts encoded per tower call. Defaults to 256.
        init_cfg (dict, optional): MMEngine init config. Defaults to None.
    """

    def __init__(self,
                 model_name: Optional[str] = None,
                 pretrained: Optional[str] = None,
                 quick_gelu: Optional[bool] = None,
                 tower: Optional[dict] = None,
                 vocabulary: VocabularyLike = 'voc21',
                 templates: Union[str, Sequence[str]] = 'maskclip_85',
                 synonym_fusion: Literal['max', 'mean', 'max_probability'] = 'max',
                 pool_tokens: Optional[Callable[[Tensor, Tensor], Tensor]] = None,
                 batch_size: int = 256,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if synonym_fusion not in ('max', 'mean', 'max_probability'):
            raise ValueError(f"synonym_fusion must be 'max', 'mean' or 'max_probability', got {synonym_fusion!r}")
        if (model_name is None) == (tower is None):
            raise ValueError('give either model_name (a frozen open_clip text tower) or tower (a tower config)')
        if tower is None:
            tower = dict(type='OpenCLIPText', model_name=model_name, pretrained=pretrained, quick_gelu=quick_gelu,
                         frozen=True)
        self.tower = MODELS.build(tower)
        self.templates = get_templates(templates)
        self.synonym_fusion = synonym_fusion
        self.pool_tokens = pool_tokens
        self.batch_size = batch_size
        self.register_buffer('_embeddings', None, persistent=False)
        self.register_buffer('_name_to_class', None, persistent=False)
        self.set_vocabulary(vocabulary)

    # ------------------------------------------------------------ vocabulary
    def set_vocabulary(self, vocabulary: VocabularyLike) -> None:
        """Replace the vocabulary; embeddings are recomputed on next use."""
        self.vocabulary = load_vocabulary(vocabulary)
        self.invalidate()

    @property
    def num_classes(self) -> int:
        return len(self.vocabulary)

    @property
    def num_outputs(self) -> int:
        """Channels of :meth:`forward`: classes, or every synonym with ``'max_probability'``."""
        if self.synonym_fusion == 'max_probability':
            return sum(len(names) for names in self.vocabulary)
        return self.num_classes

    @property
    def class_names(self) -> List[str]:
        return [names[0] for names in self.vocabulary]

    @property
    def embed_dim(self) -> int:
        return self.tower.embed_dim

    @property
    def trainable(self) -> bool:
        return any(p.requires_grad for p in self.tower.parameters())

    def invalidate(self) -> None:
        """Forget the cached class embeddings (the tower or the vocabulary changed)."""
        self._embeddings = None
        self._name_to_class = None

    def init_weights(self):
        super().init_weights()
        self.invalidate()

    def _load_from_state_dict(self, *args, **kwargs):
        self.invalidate()  # new tower weights make the cached embeddings stale
        super()._load_from_state_dict(*args, **kwargs)

    # ------------------------------------------------------------- encoding
    def tokenize(self, texts) -> Tensor:
        return self.tower.tokenize(texts)

    def encode(self, tokens: Tensor, return_tokens: bool = False) -> Dict[str, Tensor]:
        """The tower's output for tokenised captions (the training path of pre-training models).

        With gradients in training mode the tower is about to change, so the cached class
        embeddings are dropped.
        """
        if self.training and torch.is_grad_enabled() and self.trainable:
            self.invalidate()
        return self.tower(tokens, return_tokens=True) if return_tokens else self.tower(tokens)

    @torch.no_grad()
    def encode_prompts(self, prompts: List[str]) -> Tensor:
        """Embeddings of ``prompts`` (N, D), not normalised."""
        tokens = self.tokenize(prompts)
        if self.pool_tokens is None:
            return self.tower(tokens)['global']
        out = self.tower(tokens, return_tokens=True)
        return self.pool_tokens(out['tokens'], out['mask'])

    def embeddings(self) -> Tensor:
        """Normalised text embeddings, one row per synonym (``'max'``) or per class (``'mean'``)."""
        if self._embeddings is None:
            fusion = 'mean' if self.synonym_fusion == 'mean' else 'max'  # one row per synonym
            device = next(self.tower.parameters()).device

            def compute():
                return prompt_ensemble(self.encode_prompts, self.vocabulary, self.templates, fusion, self.batch_size)

            if self.trainable or self.pool_tokens is not None or torch.is_autocast_enabled(device.type):
                emb, owner = compute()  # a tower about to change, a pooling function, low precision: no cache
            else:
                key = embedding_key(self.tower, self.vocabulary, self.templates, fusion, self.batch_size,
                                    str(next(self.tower.parameters()).dtype), device.type)
                emb, owner = cached_embeddings(key, compute)
            self._embeddings, self._name_to_class = emb.to(device), owner.to(device)
        return self._embeddings

    def reduce_synonyms(self, scores: Tensor, dim: int = 1) -> Tensor:
        """Turn per-row scores into per-class scores (max over each class's synonyms)."""
        self.embeddings()
        return reduce_synonyms(scores, self._name_to_class, self.num_classes, dim)

    def fuse_probabilities(self, probs: Tensor) -> Tensor:
        """Per-channel probabilities (B, num_outputs, ...) -> per class: the max over each class's
        synonyms with ``'max_probability'``, unchanged otherwise."""
        return self.reduce_synonyms(probs, dim=1) if self.synonym_fusion == 'max_probability' else probs

    def forward(self, features: Tensor) -> Tensor:
        """Cosine similarity of features (B, D, ...) with every class (B, K, ...), or with every
        synonym (B, num_outputs, ...) with ``'max_probability'``."""
        feats = F.normalize(features, dim=1)
        scores = torch.einsum('bd...,kd->bk...', feats, self.embeddings().to(feats.dtype))
        return scores if self.synonym_fusion == 'max_probability' else self.reduce_synonyms(scores, dim=1)
