from typing import Optional

from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from ...models.clip import get_tokenizer


@TRANSFORMS.register_module()
class TokenizeCaption(BaseTransform):
    """Tokenise ``results['caption']`` with the open_clip tokenizer into ``text_tokens``.

    Args:
        model_name (str): open_clip architecture whose tokenizer to use.
        context_length (int, optional): tokens per caption (truncated / padded); None uses
            the architecture's context length. Defaults to None.
        hf_tokenizer (str, optional): for a Hugging Face text tower, a tokenizer name or local
            directory replacing the architecture's. Defaults to None.
    """

    def __init__(self, model_name: str, context_length: Optional[int] = None, hf_tokenizer: Optional[str] = None):
        self.model_name = model_name
        self.context_length = context_length
        self.hf_tokenizer = hf_tokenizer
        self._tokenizer = None

    @property
    def tokenizer(self):
        if self._tokenizer is None:  # built lazily: workers re-create it after fork/spawn
            self._tokenizer = get_tokenizer(self.model_name, self.hf_tokenizer, self.context_length)
        return self._tokenizer

    def transform(self, results: dict) -> dict:
        results['text_tokens'] = self.tokenizer([results['caption']])[0]
        return results

    def __getstate__(self):
        state = self.__dict__.copy()
        state['_tokenizer'] = None
        return state
