"""Open-vocabulary segmentation of any image with any class names."""
from dataclasses import dataclass
from typing import List, Optional, Sequence, Union

import numpy as np
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmseg.apis import inference_model
from mmseg.registry import MODELS

from ..vocabularies import VocabularyLike, load_vocabulary


@dataclass
class OpenVocabResult:
    """Result of :func:`segment_image`.

    Attributes:
        labels: (H, W) int array, indices into ``class_names``.
        scores: (K, H, W) float array, per-class probabilities at the image's size.
        class_names: the name of every label.
    """
    labels: np.ndarray
    scores: np.ndarray
    class_names: List[str]


def parse_class_list(text: str) -> List[List[str]]:
    """Parse ``"cat/kitty, grass, sky"``: commas separate classes, ``/`` separates synonyms."""
    classes = [[n.strip() for n in item.split('/')] for item in text.split(',')]
    return load_vocabulary(classes)


def build_open_vocab_model(config: Union[str, Config],
                           checkpoint: Optional[str] = None,
                           device: str = 'cpu',
                           cfg_options: Optional[dict] = None):
    """Build an open-vocabulary segmentor from a config, ready for :func:`segment_image`.

    Without ``checkpoint`` the CLIP weights named in the config (``pretrained=``) are loaded
    by ``init_weights``; with it, the checkpoint's weights are loaded instead.
    """
    import mmseg_textsup  # noqa: F401  registers components
    cfg = Config.fromfile(config) if isinstance(config, str) else config.copy()
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    model = MODELS.build(cfg.model)
    if checkpoint is not None:
        load_checkpoint(model, checkpoint, map_location='cpu')
    else:
        model.init_weights()
    model.cfg = cfg
    return model.to(device).eval()


def segment_image(model, image: Union[str, np.ndarray], classes: Optional[VocabularyLike] = None,
                  bg_threshold: Optional[float] = None) -> OpenVocabResult:
    """Segment one image into ``classes``.

    Args:
        model: from :func:`build_open_vocab_model`.
        image: a file path, or an (H, W, 3) BGR array (as read by mmcv / OpenCV).
        classes: class names (``['cat', ['grass', 'lawn'], 'sky']``, or a vocabulary name /
            file). None keeps the model's vocabulary.
        bg_threshold: pixels whose best class probability is below it become
            ``'background'``; None keeps the model's rule.
    """
    if classes is not None:
        model.set_vocabulary(classes)
    if bg_threshold is not None:
        model.bg_threshold = bg_threshold
    sample = inference_model(model, image)
    labels = sample.pred_sem_seg.data[0].cpu().numpy().astype(np.int64)
    scores = sample.seg_logits.data.float().cpu().numpy()
    return OpenVocabResult(labels=labels, scores=scores, class_names=list(model.class_names))


def palette_for(num_classes: int, seed: int = 7) -> Sequence[Sequence[int]]:
    """A fixed, well-spread colour per class."""
    rng = np.random.default_rng(seed)
    return [tuple(int(c) for c in rng.integers(40, 256, 3)) for _ in range(num_classes)]
