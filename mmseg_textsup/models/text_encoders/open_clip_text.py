from typing import Dict, Optional

import torch
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from open_clip.hf_model import HFTextEncoder
from torch import Tensor, nn

from ..clip import build_towers, get_clip_config, get_tokenizer, load_hf_weights, load_tower_weights, uses_quick_gelu


@MODELS.register_module()
class OpenCLIPText(BaseModule):
    """An open_clip text tower with its tokenizer: trainable (image-text pre-training) or frozen.

    ``forward(tokens)`` returns ``{'global': (B, D)}`` (the usual CLIP text embedding) and,
    with ``return_tokens=True``, ``'tokens'``: every token projected into the joint space
    (B, L, D) with ``'mask'`` (B, L) marking real tokens (start, words, end).

    A Hugging Face text tower (an architecture with ``hf_model_name``, e.g. SimSeg's BERT) gives
    ``'global'`` from its pooler ([CLS]) and ``'tokens'`` from every position of its last hidden
    state, with ``'mask'`` its attention mask.

    Args:
        model_name (str): open_clip architecture.
        pretrained (str, optional): open_clip tag or local checkpoint, loaded in
            :meth:`init_weights`; for a Hugging Face tower, a hub name (``'bert-base-uncased'``)
            or a local ``save_pretrained`` directory of its transformer. Defaults to None.
        quick_gelu (bool, optional): force QuickGELU. Defaults to None (auto).
        frozen (bool): freeze the tower (no gradients, always in eval mode). Defaults to False.
        hf_tokenizer (str, optional): for a Hugging Face tower, a tokenizer name or local
            directory replacing the architecture's. Defaults to None.
        init_cfg (dict, optional): MMEngine init config. Defaults to None.
    """

    def __init__(self,
                 model_name: str,
                 pretrained: Optional[str] = None,
                 quick_gelu: Optional[bool] = None,
                 frozen: bool = False,
                 hf_tokenizer: Optional[str] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.model_name = model_name
        self.pretrained = pretrained
        self.quick_gelu_setting = quick_gelu
        self.quick_gelu = uses_quick_gelu(model_name, pretrained, quick_gelu)
        _, self.text = build_towers(model_name, vision=False, text=True, quick_gelu=self.quick_gelu)
        self.hf_tokenizer = hf_tokenizer
        self._tokenizer = None
        self.frozen = frozen
        if frozen:
            self.text.requires_grad_(False)

    @property
    def embed_dim(self) -> int:
        return self.text.output_dim

    @property
    def is_hf(self) -> bool:
        return isinstance(self.text, HFTextEncoder)

    @property
    def context_length(self) -> int:
        return get_clip_config(self.model_name)['text_cfg']['context_length']

    @property
    def tokenizer(self):
        if self._tokenizer is None:  # built on first use: a hub tokenizer is a download
            self._tokenizer = get_tokenizer(self.model_name, self.hf_tokenizer)
        return self._tokenizer

    def init_weights(self):
        if self.pretrained is not None and self.is_hf:
            load_hf_weights(self.text, self.pretrained)
        elif self.pretrained is not None:
            load_tower_weights(self.text, self.model_name, self.pretrained, 'text', self.quick_gelu_setting)
        super().init_weights()

    def train(self, mode: bool = True):
        super().train(mode)
        if self.frozen:
            self.text.eval()
        return self

    def tokenize(self, texts) -> Tensor:
        device = next(self.text.parameters()).device
        return self.tokenizer(texts).to(device)

    def forward(self, tokens: Tensor, return_tokens: bool = False) -> Dict[str, Tensor]:
        if not return_tokens:
            return {'global': self.text(tokens)}
        t = self.text
        if self.is_hf:
            mask = tokens != t.config.pad_token_id
            out = t.transformer(input_ids=tokens, attention_mask=mask.long())
            return {'global': t.proj(t.pooler(out, mask.long())), 'tokens': t.proj(out.last_hidden_state), 'mask': mask}
        x, attn_mask = t._embeds(tokens)
        x = t.ln_final(t.transformer(x, attn_mask=attn_mask))
        eot = tokens.argmax(dim=-1)
        pooled = x[torch.arange(x.shape[0], device=x.device), eot]
        mask = torch.arange(tokens.shape[1], device=tokens.device)[None] <= eot[:, None]
        return {'global': self._project(pooled), 'tokens': self._project(x), 'mask': mask}

    def _project(self, x: Tensor) -> Tensor:
        proj = self.text.text_projection
        if proj is None:
            return x
        return proj(x) if isinstance(proj, nn.Linear) else x @ proj
