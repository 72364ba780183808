"""Segmentation of any image with any class names, through every config of the package."""
import os.path as osp
from collections import defaultdict
from dataclasses import dataclass
from typing import List, Optional, Sequence, Union

import numpy as np
import torch
from mmcv.transforms import Compose
from mmengine.config import Config
from mmengine.model.utils import revert_sync_batchnorm
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmseg.registry import MODELS

from ..vocabularies import VocabularyLike, load_vocabulary

# test-pipeline steps that read files of a dataset, not the image (mmseg's inference removes
# only its own LoadAnnotations)
DATASET_LOADERS = ('LoadAnnotations', 'LoadCheckedAnnotations', 'LoadImageLevelLabels', 'LoadConfidenceMap')
# loaders of generated samples whose image a file takes over (the toy configs)
SAMPLE_LOADERS = ('LoadToySample', )

ImageLike = Union[str, np.ndarray]


@dataclass
class OpenVocabResult:
    """Result of :func:`segment_image`.

    Attributes:
        labels: (H, W) int array, indices into ``class_names``.
        scores: (K, H, W) float array at the image's size whose argmax is ``labels``: the
            model's class probabilities (a closed-set network's softmax; SimSeg, whose official
            read-out gives labels only, a one-hot map; CLIP-ES its normalised label scores).
        class_names: the name of every label.
    """
    labels: np.ndarray
    scores: np.ndarray
    class_names: List[str]


def parse_class_list(text: str) -> List[List[str]]:
    """Parse ``"cat/kitty, grass, sky"``: commas separate classes, ``/`` separates synonyms."""
    classes = [[n.strip() for n in item.split('/')] for item in text.split(',')]
    return load_vocabulary(classes)


def inference_pipeline(cfg: Config) -> List[dict]:
    """The config's test pipeline for images that belong to no dataset.

    The test dataset's pipeline, what ``tools/test.py`` runs (else ``test_pipeline``: a leaf config
    that sets its protocol's pipeline on the dataset leaves its base's ``test_pipeline`` variable
    behind), without the steps that read a dataset's files (:data:`DATASET_LOADERS`); a
    generated-sample loader (:data:`SAMPLE_LOADERS`) becomes ``LoadImageFromFile``.
    """
    dataset = (cfg.get('test_dataloader') or {}).get('dataset') or {}
    pipeline = dataset.get('pipeline') or cfg.get('test_pipeline')
    steps = [dict(type='LoadImageFromFile') if t['type'] in SAMPLE_LOADERS else dict(t) for t in pipeline
             if t['type'] not in DATASET_LOADERS]
    if not steps or steps[0]['type'] != 'LoadImageFromFile':
        raise ValueError(f"the test pipeline does not start by loading an image file: {[t['type'] for t in pipeline]}")
    return steps


def closed_set_classes(cfg: Config) -> List[str]:
    """Class names of a config's test dataset (its ``metainfo``, else the dataset class's)."""
    from mmseg.registry import DATASETS
    dataset = cfg.test_dataloader.dataset
    classes = (dataset.get('metainfo') or {}).get('classes') or DATASETS.get(dataset['type']).METAINFO['classes']
    return list(classes)


def build_open_vocab_model(config: Union[str, Config],
                           checkpoint: Optional[str] = None,
                           device: str = 'cpu',
                           cfg_options: Optional[dict] = None):
    """Build a segmentor of any config of the package, ready for :func:`segment_image`.

    Without ``checkpoint`` the weights named in the config (``pretrained=``) are loaded by
    ``init_weights`` (mmseg's tools never call it: a checkpoint holds every weight there);
    SyncBN becomes BN (one process). ``model.cfg.test_pipeline`` becomes the
    :func:`inference_pipeline`. A closed-set network (a student trained on pseudo labels)
    keeps its checkpoint's class names, else its config's dataset's.

    Args:
        config (str | Config): a config of ``configs/``.
        checkpoint (str, optional): a checkpoint of that config (``tools/train.py``'s output).
        device (str): Defaults to ``'cpu'``.
        cfg_options (dict, optional): config overrides (``--cfg-options``).
    """
    import mmseg_textsup  # noqa: F401  registers components
    config = Config.fromfile(config) if isinstance(config, str) else config.copy()
    if cfg_options:
        config.merge_from_dict(cfg_options)
    pipeline = inference_pipeline(config)
    init_default_scope(config.get('default_scope', 'mmseg'))
    model = revert_sync_batchnorm(MODELS.build(config.model))  # (mmseg's init_model drops every `pretrained`)
    model.cfg = config
    model.cfg.test_pipeline = pipeline
    meta = {}
    if checkpoint is None:
        model.init_weights()
    else:
        if not osp.isfile(checkpoint):
            raise FileNotFoundError(f'checkpoint not found: {checkpoint}')
        meta = load_checkpoint(model, checkpoint, map_location='cpu').get('meta', {})
    if not hasattr(model, 'class_names'):  # a closed-set network
        classes = (meta.get('dataset_meta') or {}).get('classes') or closed_set_classes(model.cfg)
        model.dataset_meta = dict(classes=list(classes))
    return model.to(device).eval()


def model_class_names(model) -> List[str]:
    """The names of a segmentor's labels, in order."""
    if hasattr(model, 'class_names'):
        return list(model.class_names)
    return list(model.dataset_meta['classes'])


def set_classes(model, classes: VocabularyLike) -> None:
    """Give a model new class names (a closed-set network takes only its own)."""
    if hasattr(model, 'set_vocabulary'):
        model.set_vocabulary(classes)
        return
    names = [c if isinstance(c, str) else c[0] for c in load_vocabulary(classes)]
    if names != model_class_names(model):
        fixed = model_class_names(model)
        raise ValueError(f'{type(model).__name__} is a closed-set network trained on {len(fixed)} classes '
                         f'({", ".join(fixed[:6])}{", ..." if len(fixed) > 6 else ""}): it cannot take other '
                         'class names; pass classes=None (or an open-vocabulary config)')


def _prepared_batches(model, images: Sequence[ImageLike], batch_size: int):
    """Batches of ``images`` through ``model.cfg.test_pipeline``: consecutive images of one
    size after the pipeline, at most ``batch_size`` each (mmseg's test-time preprocessor
    stacks equal sizes only)."""
    from ..models.clip_es.clip_es import CLIPES
    steps = [dict(t) for t in model.cfg.test_pipeline]
    if isinstance(images[0], np.ndarray):
        steps[0]['type'] = 'LoadImageFromNDArray'
    pipeline = Compose(steps)
    batch = defaultdict(list)
    for image in images:
        sample = pipeline(dict(img=image) if isinstance(image, np.ndarray) else dict(img_path=image))
        if isinstance(model, CLIPES):  # every given class is one of the image-level labels
            sample['data_samples'].set_metainfo(dict(image_labels=model.all_labels()))
        if batch['inputs'] and (len(batch['inputs']) == batch_size
                                or batch['inputs'][0].shape != sample['inputs'].shape):
            yield batch
            batch = defaultdict(list)
        batch['inputs'].append(sample['inputs'])
        batch['data_samples'].append(sample['data_samples'])
    yield batch


def _scores(model, sample) -> np.ndarray:
    from ..models.segmentors import ImageTextPretrainer, OpenVocabEncoderDecoder
    scores = sample.seg_logits.data.float()
    if not isinstance(model, (OpenVocabEncoderDecoder, ImageTextPretrainer)) and 'confidence' not in sample:
        scores = scores.softmax(dim=0)  # an mmseg network's logits
    return scores.cpu().numpy()


def segment_image(model,
                  image: Union[ImageLike, Sequence[ImageLike]],
                  classes: Optional[VocabularyLike] = None,
                  bg_threshold: Optional[float] = None,
                  batch_size: int = 1) -> Union[OpenVocabResult, List[OpenVocabResult]]:
    """Segment one image (or a list of images) into ``classes``, with the config's protocol
    (whole or sliding windows, post-processing, background rule).

    Args:
        model: from :func:`build_open_vocab_model`.
        image: a file path or an (H, W, 3) BGR array (as read by mmcv / OpenCV), or a list
            of them (all paths or all arrays).
        classes: class names (``['cat', ['grass', 'lawn'], 'sky']``, or a vocabulary name /
            file). None keeps the model's classes. The model keeps the new vocabulary. A
            closed-set network takes only its own classes. CLIP-ES treats every given class as
            present in the image (its image-level labels).
        bg_threshold: for this call only, pixels whose best class probability is below it
            become ``'background'``; None keeps the model's rule. Only for models with a
            background threshold.
        batch_size: images per forward pass (consecutive images of one size share one). SegCLIP's
            official cross-attention mixes the images of a batch: 1 (the default) as its evaluation.

    Returns:
        OpenVocabResult, or a list of them for a list of images.
    """
    single = isinstance(image, (str, np.ndarray))
    images = [image] if single else list(image)
    if classes is not None:
        set_classes(model, classes)
    if bg_threshold is not None and not hasattr(model, 'bg_threshold'):
        raise ValueError(f'{type(model).__name__} has no background threshold')
    saved = getattr(model, 'bg_threshold', None)
    if bg_threshold is not None:
        model.bg_threshold = bg_threshold
    if hasattr(model, 'return_scores'):
        model.return_scores = True
    try:
        results = []
        class_names = model_class_names(model)
        for batch in _prepared_batches(model, images, batch_size):
            with torch.no_grad():
                samples = model.test_step(batch)
            for sample in samples:
                labels = sample.pred_sem_seg.data[0].cpu().numpy().astype(np.int64)
                results.append(OpenVocabResult(labels=labels, scores=_scores(model, sample), class_names=class_names))
    finally:
        if bg_threshold is not None:
            model.bg_threshold = saved
        if hasattr(model, 'return_scores'):
            model.return_scores = False
    return results[0] if single else results
