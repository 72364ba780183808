"""Open-vocabulary segmentation of any image with any class names."""
from dataclasses import dataclass
from typing import List, Optional, Sequence, Union

import numpy as np
from mmengine.config import Config
from mmseg.apis import inference_model, init_model

from ..vocabularies import VocabularyLike, load_vocabulary

# test-pipeline steps that read files of a dataset, not the image (mmseg's inference removes
# only its own LoadAnnotations)
DATASET_LOADERS = ('LoadAnnotations', 'LoadCheckedAnnotations', 'LoadImageLevelLabels', 'LoadConfidenceMap')


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

    mmseg's ``init_model`` builds it; without ``checkpoint`` the CLIP weights named in the
    config (``pretrained=``) are then loaded by ``init_weights`` (mmseg's tools never call
    it: a checkpoint holds every weight there). The config's ``test_pipeline`` loses the steps
    that read dataset files (:data:`DATASET_LOADERS`), so any image goes through it.
    """
    import mmseg_textsup  # noqa: F401  registers components
    config = Config.fromfile(config) if isinstance(config, str) else config.copy()
    model = init_model(config, checkpoint, device='cpu', cfg_options=cfg_options)
    if model.cfg.get('test_pipeline'):
        model.cfg.test_pipeline = [t for t in model.cfg.test_pipeline if t.get('type') not in DATASET_LOADERS]
    if checkpoint is None:
        model.init_weights()
    return model.to(device).eval()


def segment_image(model, image: Union[str, np.ndarray], classes: Optional[VocabularyLike] = None,
                  bg_threshold: Optional[float] = None) -> OpenVocabResult:
    """Segment one image into ``classes``.

    Args:
        model: from :func:`build_open_vocab_model`.
        image: a file path, or an (H, W, 3) BGR array (as read by mmcv / OpenCV).
        classes: class names (``['cat', ['grass', 'lawn'], 'sky']``, or a vocabulary name /
            file). None keeps the model's vocabulary. The model keeps the new vocabulary.
        bg_threshold: for this call only, pixels whose best class probability is below it
            become ``'background'``; None keeps the model's rule.
    """
    if classes is not None:
        model.set_vocabulary(classes)
    saved = model.bg_threshold
    if bg_threshold is not None:
        model.bg_threshold = bg_threshold
    try:
        sample = inference_model(model, image)
        class_names = list(model.class_names)
    finally:
        model.bg_threshold = saved
    labels = sample.pred_sem_seg.data[0].cpu().numpy().astype(np.int64)
    scores = sample.seg_logits.data.float().cpu().numpy()
    return OpenVocabResult(labels=labels, scores=scores, class_names=class_names)


def palette_for(num_classes: int, seed: int = 7) -> Sequence[Sequence[int]]:
    """A fixed, well-spread colour per class."""
    rng = np.random.default_rng(seed)
    return [tuple(int(c) for c in rng.integers(40, 256, 3)) for _ in range(num_classes)]
