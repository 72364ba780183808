from typing import List, Literal, Optional

from mmseg.registry import MODELS
from torch import Tensor

from ..segmentors.open_vocab_encoder_decoder import OpenVocabEncoderDecoder


@MODELS.register_module()
class CASSEncoderDecoder(OpenVocabEncoderDecoder):
    """CASS's segmentor (github.com/MICV-yonsei/CASS, ``cass_segmentor.py`` ``forward_slide``):
    :class:`OpenVocabEncoderDecoder` whose sliding windows can take the object-presence prior of
    the whole image.

    Call graph::

        predict(): inference() -> [global_from='image', slide: backbone.global_features(image)]
                     -> slide_inference() | whole_inference() -> encode_decode()
                        -> extract_feat() -> backbone() (CASSVision: 'dense', 'global'; the
                                              whole image's 'global' replaces the window's)
                        -> decode_head.predict() (CASSHead)
                   -> probabilities() -> apply_background_rule() -> argmax

    Args:
        global_from (str): ``'image'``: every window of an image takes the class token of the whole
            image (the official code for every benchmark but Cityscapes); ``'window'``: each window
            its own (Cityscapes). Whole-image inference is the same for both. Defaults to ``'image'``.
        **kwargs: :class:`OpenVocabEncoderDecoder` arguments.
    """

    def __init__(self, global_from: Literal['image', 'window'] = 'image', **kwargs):
        super().__init__(**kwargs)
        if global_from not in ('image', 'window'):
            raise ValueError(f"global_from must be 'image' or 'window', got {global_from!r}")
        self.global_from = global_from
        self._image_global: Optional[Tensor] = None

    def inference(self, inputs: Tensor, batch_img_metas: List[dict]) -> Tensor:
        if self.global_from == 'image' and self.test_cfg.get('mode') == 'slide':
            self._image_global = self.backbone.global_features(inputs)
        try:
            return super().inference(inputs, batch_img_metas)
        finally:
            self._image_global = None

    def extract_feat(self, inputs: Tensor):
        feats = self.backbone(inputs)
        if self._image_global is not None:
            feats['global'] = self._image_global
        return feats
