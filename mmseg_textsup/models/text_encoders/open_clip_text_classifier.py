from typing import List, Literal, Optional, Sequence, Union

import open_clip
import torch
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor

from ...prompts import get_templates
from ...vocabularies import VocabularyLike, load_vocabulary
from ..clip.loading import build_towers, load_tower_weights, uses_quick_gelu
from .prompt_ensemble import prompt_ensemble, reduce_synonyms


@MODELS.register_module()
class OpenCLIPTextClassifier(BaseModule):
    """Class embeddings from an open_clip text tower: a frozen zero-shot classifier.

    For every class, each synonym is put into every template, encoded, L2-normalised per
    template, averaged and normalised again (CLIP's prompt ensemble). Synonyms are fused
    either by taking the max of their scores (``'max'``, also how a multi-word background
    such as SCLIP's 26 stuff words is scored) or by averaging their embeddings (``'mean'``).

    The embeddings are computed once per vocabulary, on first use after the weights are
    loaded, and kept in a non-persistent buffer; :meth:`set_vocabulary` swaps the
    vocabulary at inference time without rebuilding anything.

    Args:
        model_name (str): open_clip architecture (must match the image tower).
        pretrained (str, optional): open_clip tag or local checkpoint, loaded in
            :meth:`init_weights`. Defaults to None (random weights).
        quick_gelu (bool, optional): force QuickGELU; None decides from model and tag.
            Defaults to None.
        vocabulary (str | list): a shipped vocabulary name, a file, or a list of classes.
            Defaults to ``'voc21'``.
        templates (str | list[str]): a template-set name (``'maskclip_85'``,
            ``'openai_imagenet_80'``, ``'clip_es'``, ``'single'``) or a list of templates.
            Defaults to ``'maskclip_85'``.
        synonym_fusion (str): ``'max'`` or ``'mean'``. Defaults to ``'max'``.
        batch_size (int): prompts encoded per text-tower call. Defaults to 256.
        init_cfg (dict, optional): MMEngine init config. Defaults to None.
    """

    def __init__(self,
                 model_name: str,
                 pretrained: Optional[str] = None,
                 quick_gelu: Optional[bool] = None,
                 vocabulary: VocabularyLike = 'voc21',
                 templates: Union[str, Sequence[str]] = 'maskclip_85',
                 synonym_fusion: Literal['max', 'mean'] = 'max',
                 batch_size: int = 256,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if synonym_fusion not in ('max', 'mean'):
            raise ValueError(f"synonym_fusion must be 'max' or 'mean', got {synonym_fusion!r}")
        self.model_name = model_name
        self.pretrained = pretrained
        self.quick_gelu = uses_quick_gelu(model_name, pretrained, quick_gelu)
        self.templates = get_templates(templates)
        self.synonym_fusion = synonym_fusion
        self.batch_size = batch_size
        _, self.text = build_towers(model_name, vision=False, text=True, quick_gelu=self.quick_gelu)
        self.text.requires_grad_(False)
        self.tokenizer = open_clip.get_tokenizer(model_name)
        self.text_forward_calls = 0  # how often the text tower ran (tests check the cache)
        self.register_buffer('_embeddings', None, persistent=False)
        self.register_buffer('_name_to_class', None, persistent=False)
        self.set_vocabulary(vocabulary)

    # ------------------------------------------------------------ vocabulary
    def set_vocabulary(self, vocabulary: VocabularyLike) -> None:
        """Replace the vocabulary; embeddings are recomputed on next use."""
        self.vocabulary = load_vocabulary(vocabulary)
        self._invalidate()

    @property
    def num_classes(self) -> int:
        return len(self.vocabulary)

    @property
    def class_names(self) -> List[str]:
        return [names[0] for names in self.vocabulary]

    @property
    def embed_dim(self) -> int:
        return self.text.output_dim

    def _invalidate(self) -> None:
        self._embeddings = None
        self._name_to_class = None

    def init_weights(self):
        if self.pretrained is not None:
            load_tower_weights(self.text, self.model_name, self.pretrained, 'text', self.quick_gelu)
        super().init_weights()
        self._invalidate()

    def _load_from_state_dict(self, *args, **kwargs):
        # new text-tower weights make the cached embeddings stale
        self._invalidate()
        super()._load_from_state_dict(*args, **kwargs)

    def train(self, mode: bool = True):
        super().train(mode)
        self.text.eval()  # frozen classifier
        return self

    # ------------------------------------------------------------- encoding
    @torch.no_grad()
    def encode_prompts(self, prompts: List[str]) -> Tensor:
        """Embeddings of ``prompts`` (N, D), not normalised."""
        device = next(self.text.parameters()).device
        self.text_forward_calls += 1
        return self.text(self.tokenizer(prompts).to(device))

    def embeddings(self) -> Tensor:
        """Normalised text embeddings, one row per synonym (``'max'``) or per class (``'mean'``)."""
        if self._embeddings is None:
            emb, owner = prompt_ensemble(self.encode_prompts, self.vocabulary, self.templates,
                                         self.synonym_fusion, self.batch_size)
            device = next(self.text.parameters()).device
            self._embeddings, self._name_to_class = emb.to(device), owner.to(device)
        return self._embeddings

    def reduce_synonyms(self, scores: Tensor, dim: int = 1) -> Tensor:
        """Turn per-row scores into per-class scores (max over each class's synonyms)."""
        self.embeddings()
        return reduce_synonyms(scores, self._name_to_class, self.num_classes, dim)

    def forward(self, features: Tensor) -> Tensor:
        """Cosine similarity of features (B, D, ...) with every class: (B, K, ...)."""
        feats = torch.nn.functional.normalize(features, dim=1)
        emb = self.embeddings().to(feats.dtype)
        scores = torch.einsum('bd...,kd->bk...', feats, emb)
        return self.reduce_synonyms(scores, dim=1)
