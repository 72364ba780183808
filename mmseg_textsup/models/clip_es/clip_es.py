import math
import multiprocessing as mp
from concurrent.futures import Future, ProcessPoolExecutor
from typing import List, Optional, Sequence, Union

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.structures import PixelData
from mmseg.models.segmentors.base import BaseSegmentor
from mmseg.registry import MODELS
from mmseg.utils import OptSampleList, SampleList
from PIL import Image
from torch import Tensor

from ...utils.dense_crf import dense_crf
from ...utils.image import to_uint8_rgb
from ...vocabularies import load_vocabulary
from .cam import caa_affinity, caa_refine, cam_confidence, scale_gradcam, softmax_gradcam


def _call(fn, *args, **kwargs) -> Future:
    """Run ``fn`` now; its result as a completed future (the serial twin of ``pool.submit``)."""
    future = Future()
    future.set_result(fn(*args, **kwargs))
    return future


CLIP_ES_CRF = dict(unary='softmax_float16', iterations=10, gaussian_sxy=1, gaussian_compat=3, bilateral_sxy=67,
                   bilateral_srgb=3, bilateral_compat=4)
CAFFE_MEAN_BGR = (104.008, 116.669, 122.675)  # subtracted from the CRF's image by the official script


def official_crf_image(rgb: np.ndarray) -> np.ndarray:
    """The image the official ``eval_cam_with_crf.py`` hands the CRF: BGR minus the Caffe mean,
    cast to uint8, so negative values wrap (C's float -> int truncation, then modulo 256)."""
    shifted = np.trunc(rgb[..., ::-1].astype(np.float32) - np.float32(CAFFE_MEAN_BGR))
    return (shifted.astype(np.int64) % 256).astype(np.uint8)


@MODELS.register_module()
class CLIPES(BaseSegmentor):
    """CLIP-ES pseudo masks: Softmax-GradCAM, class-aware attention-based affinity, dense CRF.

    Paper: CLIP is Also an Efficient Segmenter, https://arxiv.org/abs/2302.09506. Weakly
    supervised and training-free: every image is segmented into the classes of its
    image-level labels (``data_sample.metainfo['image_labels']``, see
    :class:`LoadImageLevelLabels`) and background. ``predict()`` returns the label map
    (``pred_sem_seg``) and its confidence (``confidence``), so ``tools/test.py`` both
    measures pseudo-mask mIoU and (with ``PseudoLabelWriter``) writes them. Computed as the
    official scripts (``generate_cams_voc12.py``, ``eval_cam.py``, ``eval_cam_with_crf.py``).

    Call graph::

        predict(): segment_batch(): per image
                     full_size_cams(): clip_input() (PIL bicubic to the patch grid, as the official)
                       -> image_cams(): _cam_forward() (one pass: last-L attention maps, the last
                            block's ln_1 output, mean of ln_post(patch tokens) -> image embedding)
                          -> softmax over [present classes + background words] (text classifier)
                          -> softmax_gradcam() (gradients enabled inside the no-grad test loop)
                          -> scale_gradcam() -> [caa_affinity() + caa_refine()]
                       -> upsample to the image
                     -> label_scores(): [(1 - max)^bg_power, CAMs] (CAMs rounded to float16, as stored)
                     -> [dense_crf()] (main process, or handed to crf_workers while the next CAMs run)
                   then labels = argmax, confidence (waits for the CRFs)
        loss(): raises (training-free)

    Args:
        backbone (dict): a frozen CLIP ViT (:class:`OpenCLIPVision`).
        text_encoder (dict): :class:`OpenCLIPTextClassifier` of the same CLIP; its
            ``vocabulary`` holds the foreground classes in label order (the official names,
            synonyms in one sentence: ``'person with clothes,people,human'``),
            ``templates='clip_es'``.
        background_words (str | list, optional): the class-related background set
            (``'bg_clip_es_voc25'``, ``'bg_clip_es_coco23'``). Defaults to None.
        bg_index (int, optional): label of the background (0: class k of the vocabulary is
            label k + 1). None: no background label (every pixel takes a present class).
            Defaults to 0.
        bg_power (float): the background score is ``(1 - max_c CAM_c) ** bg_power``: 1 in the
            official CRF script, 2 the default of its raw-CAM evaluation (``eval_cam.py``,
            which reports the better of 1 and 2). Defaults to 1.
        logit_scale (float): CLIP's temperature. Defaults to 100.
        caa (bool): refine CAMs with CAA. Defaults to True.
        caa_blocks (int): last blocks whose attention is averaged. Defaults to 8.
        caa_threshold (float): lambda, CAM threshold of the box masks (VOC 0.4, COCO 0.7).
            Defaults to 0.4.
        caa_power (int): t, power of the affinity. Defaults to 2.
        sinkhorn_iterations (int): Defaults to 3.
        crf (bool): dense CRF on [background, CAMs]. Defaults to True.
        crf_cfg (dict, optional): :func:`dense_crf` arguments; defaults to CLIP-ES's.
        confidence (str): the confidence map of the pseudo labels (CGL): ``'crf'``, the
            CRF's maximum probability (official: pixels below mu are written as 255; without
            a CRF, the maximum of the normalised label scores), or ``'cam'``, eq. 8 of the
            paper, ``max(1 - max_c X, max_c X)`` of the CAMs. Defaults to ``'crf'``.
        crf_workers (int): processes (started once, on first use) that run the CRFs of a
            batch in parallel, each started as soon as its image's CAMs are ready, so they
            overlap the CAMs of the rest of the batch; 0 runs them in the main process, one
            after another. Useful with ``test_dataloader.batch_size`` several times
            ``crf_workers`` and free CPU cores (the CRF is CPU-only, the CAMs can be on the
            GPU). Results are identical. Defaults to 0.
        data_preprocessor (dict, optional): ``SegDataPreProcessor`` config (CLIP mean/std).
        init_cfg (dict, optional): MMEngine init config.
    """

    def __init__(self,
                 backbone: dict,
                 text_encoder: dict,
                 background_words: Optional[Union[str, Sequence[str]]] = None,
                 bg_index: Optional[int] = 0,
                 bg_power: float = 1.0,
                 logit_scale: float = 100.0,
                 caa: bool = True,
                 caa_blocks: int = 8,
                 caa_threshold: float = 0.4,
                 caa_power: int = 2,
                 sinkhorn_iterations: int = 3,
                 crf: bool = True,
                 crf_cfg: Optional[dict] = None,
                 confidence: str = 'crf',
                 crf_workers: int = 0,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if bg_index not in (0, None):
            raise ValueError(f'bg_index must be 0 or None, got {bg_index}')
        if confidence not in ('crf', 'cam'):
            raise ValueError(f"confidence must be 'crf' or 'cam', got {confidence!r}")
        self.backbone = MODELS.build(backbone)
        if not self.backbone.is_vit:
            raise ValueError('CLIP-ES needs a ViT image tower (attention maps and tokens)')
        classes = load_vocabulary(text_encoder['vocabulary'])
        background = load_vocabulary(background_words) if background_words else []
        self.num_foreground = len(classes)
        self.text_encoder = MODELS.build(dict(text_encoder, vocabulary=classes + background))
        self.bg_index = bg_index
        self.bg_power = bg_power
        self.num_classes = self.num_foreground + (bg_index is not None)
        self.logit_scale = logit_scale
        self.caa, self.caa_blocks, self.caa_threshold, self.caa_power = caa, caa_blocks, caa_threshold, caa_power
        self.sinkhorn_iterations = sinkhorn_iterations
        self.crf = crf
        self.crf_cfg = dict(CLIP_ES_CRF, **(crf_cfg or {}))
        self.confidence = confidence
        self.crf_workers = crf_workers
        self._crf_pool = None
        self.background_words = background
        self.return_scores = False

    # ----------------------------------------------------------- vocabulary
    @property
    def class_names(self) -> List[str]:
        """Label names in output order (``'background'`` at ``bg_index``)."""
        names = self.text_encoder.class_names[:self.num_foreground]
        return names if self.bg_index is None else ['background'] + names

    def set_vocabulary(self, vocabulary) -> None:
        """Replace the foreground classes (inference on any image); the background words stay,
        but for those that name one of the classes."""
        classes = load_vocabulary(vocabulary)
        taken = {n.lower() for c in classes for n in ([c] if isinstance(c, str) else c)}
        background = [w for w in self.background_words  # a given class is no background word
                      if not taken & {n.lower() for n in ([w] if isinstance(w, str) else w)}]
        self.text_encoder.set_vocabulary(classes + background)
        self.num_foreground = len(classes)
        self.num_classes = self.num_foreground + (self.bg_index is not None)

    def all_labels(self) -> List[int]:
        """Image-level labels naming every foreground class (an image of unknown content)."""
        offset = 1 if self.bg_index == 0 else 0
        return list(range(offset, self.num_foreground + offset))

    # --------------------------------------------------------------- labels
    def _to_vocabulary(self, labels) -> List[int]:
        """Dataset labels of the present classes -> rows of the foreground vocabulary."""
        offset = 1 if self.bg_index == 0 else 0
        rows = sorted({int(c) - offset for c in labels if self.bg_index is None or int(c) != self.bg_index})
        bad = [r + offset for r in rows if not 0 <= r < self.num_foreground]
        if bad:
            raise ValueError(f'image-level labels {bad} are outside the {self.num_classes} classes of the model')
        return rows

    # ----------------------------------------------------------------- CAMs
    def _cam_forward(self, image: Tensor):
        """One pass: (image embedding (1, D), GradCAM target (N+1, W), attention maps (L, N+1, N+1), grid)."""
        vision = self.backbone
        n = vision.num_blocks
        tokens, grid = vision.embed(image)
        attn_blocks = range(max(0, n - self.caa_blocks), n - 1) if self.caa else ()  # the last L, as [-L:]
        tokens, attns, _ = vision.run_blocks(tokens, 0, n - 1, attn_blocks)
        tokens = tokens[0].detach().requires_grad_()  # gradients flow through the last block only
        target = vision.blocks[-1].ln_1(tokens)  # the GradCAM layer: the last block's input norm
        x, last_attn = vision.forward_block(-1, tokens[None], need_attn=True, normed=target[None])
        embedding = vision.head(x[:, 1:]).mean(dim=1)  # mean of ln_post(patch tokens), projected
        attns = torch.stack([attns[i][0] for i in sorted(attns)] + [last_attn[0]])
        return embedding, target, attns, grid

    def text_set_probs(self, embedding: Tensor, present: List[int]) -> Tensor:
        """Softmax over [present classes + background words] of an image embedding (1, D)."""
        scores = self.text_encoder(embedding)[0]  # cosine per class
        text_set = present + list(range(self.num_foreground, scores.shape[0]))
        return (self.logit_scale * scores[text_set]).softmax(dim=0)

    def set_prompt(self, template: str) -> None:
        """Use one prompt template (e.g. to rank prompts by sharpness); embeddings are recomputed."""
        self.text_encoder.templates = [template]
        self.text_encoder.invalidate()

    def image_cams(self, image: Tensor, present: List[int]) -> Tensor:
        """Normalised (and CAA-refined) CAMs (P, gh, gw) of one CLIP input (1, 3, H, W)."""
        with torch.enable_grad():
            embedding, target, attns, (gh, gw) = self._cam_forward(image)
            probs = self.text_set_probs(embedding, present)
            cams = softmax_gradcam(target, probs, range(len(present)))
        cams = scale_gradcam(cams.reshape(-1, gh, gw))
        if self.caa and len(present):
            affinity = caa_affinity(attns.detach(), self.sinkhorn_iterations, self.caa_power)
            cams = caa_refine(cams, affinity, self.caa_threshold)
        return cams

    def clip_input(self, rgb: np.ndarray) -> Tensor:
        """(H, W, 3) uint8 RGB -> the normalised CLIP input (1, 3, H', W') at the image size
        rounded up to the patch grid, resized with PIL's bicubic filter as the official script."""
        h, w = rgb.shape[:2]
        patch = self.backbone.patch_size
        size = (math.ceil(w / patch) * patch, math.ceil(h / patch) * patch)
        resized = np.asarray(Image.fromarray(rgb).resize(size, Image.BICUBIC))  # a copy at the same size
        pre = self.data_preprocessor
        x = torch.from_numpy(resized.copy()).to(pre.mean.device).permute(2, 0, 1).float()
        return ((x - pre.mean) / pre.std)[None]

    @torch.no_grad()
    def present_class_scores(self, rgb: np.ndarray, image_labels) -> Tensor:
        """Softmax scores of the present classes of one image (H, W, 3) (sharpness, eq. 5)."""
        present = self._to_vocabulary(image_labels)
        embedding = self._cam_forward(self.clip_input(rgb))[0]
        return self.text_set_probs(embedding, present)[:len(present)]

    def full_size_cams(self, rgb: np.ndarray, image_labels) -> tuple:
        """(labels (P,) of the present classes, their CAMs (P, H, W) in [0, 1]) of an image (H, W, 3)."""
        present = self._to_vocabulary(image_labels)
        cams = self.image_cams(self.clip_input(rgb), present)
        cams = F.interpolate(cams[None], size=rgb.shape[:2], mode='bilinear', align_corners=False)[0]
        names = torch.tensor([r + (self.bg_index == 0) for r in present], dtype=torch.long, device=cams.device)
        return names, cams

    def label_scores(self, names: Tensor, cams: Tensor) -> tuple:
        """(labels (K',), scores (K', H, W)): [background, CAMs] with the background
        ``(1 - max) ** bg_power``, from CAMs rounded to float16 as the official scripts store them."""
        cams = cams.half().float()
        if self.bg_index is None:
            return (names, cams) if len(cams) else (names.new_zeros(1), cams.new_ones(1, *cams.shape[1:]))
        top = cams.amax(dim=0, keepdim=True) if len(cams) else cams.new_zeros(1, *cams.shape[1:])
        return torch.cat([names.new_tensor([self.bg_index]), names]), torch.cat([(1 - top) ** self.bg_power, cams])

    def segment_batch(self, rgbs: List[np.ndarray], labels: list) -> List[tuple]:
        """(labels (H, W), confidence (H, W), scores) of every image (H, W, 3) uint8 RGB; scores
        (``num_classes``, H, W), the label scores normalised over the present labels (0 for
        absent classes), only with ``return_scores`` (else None). With
        ``crf_workers``, each image's CRF is handed to the processes as soon as its CAMs are
        ready, so the CRFs of earlier images run while the CAMs of later ones are computed."""
        if self.crf_workers and self._crf_pool is None:
            self._crf_pool = ProcessPoolExecutor(self.crf_workers, mp_context=mp.get_context('spawn'))
        run = self._crf_pool.submit if self._crf_pool is not None else _call
        staged = []
        for rgb, image_labels in zip(rgbs, labels):
            names, cams = self.full_size_cams(rgb, image_labels)
            names, scores = self.label_scores(names, cams)
            crf = None
            if self.crf and len(scores) > 1:
                crf = run(dense_crf, official_crf_image(rgb), scores.cpu().numpy(), **self.crf_cfg)
            staged.append((names, scores, cams, crf))
        results = []
        for names, scores, cams, crf in staged:
            if crf is not None:
                scores = torch.from_numpy(crf.result()).to(scores.device)
            if self.confidence == 'cam':
                confidence = cam_confidence(cams)
            else:
                confidence = (scores / scores.sum(dim=0, keepdim=True).clamp_min(1e-12)).amax(dim=0)
            full = None
            if self.return_scores:
                full = scores.new_zeros(self.num_classes, *scores.shape[1:])
                full[names] = scores / scores.sum(dim=0, keepdim=True).clamp_min(1e-12)
            results.append((names[scores.argmax(dim=0)], confidence, full))
        return results

    # ------------------------------------------------------------- segmentor API
    def predict(self, inputs: Tensor, data_samples: OptSampleList = None) -> SampleList:
        if data_samples is None:
            raise ValueError('CLIP-ES needs image-level labels: data samples with metainfo["image_labels"]')
        rgbs = to_uint8_rgb(inputs, self.data_preprocessor)
        shapes = []
        for sample in data_samples:
            if 'image_labels' not in sample.metainfo:
                raise KeyError("data sample without 'image_labels': add LoadImageLevelLabels to the pipeline and "
                               "'image_labels' to PackSegInputs meta_keys")
            shapes.append(sample.metainfo.get('img_shape', inputs.shape[2:]))
        results = self.segment_batch([rgbs[b, :h, :w] for b, (h, w) in enumerate(shapes)],
                                     [s.image_labels for s in data_samples])
        for sample, (h, w), (labels, confidence, scores) in zip(data_samples, shapes, results):
            ori = tuple(sample.metainfo.get('ori_shape', (h, w)))
            if ori != (h, w):
                labels = F.interpolate(labels[None, None].float(), size=ori, mode='nearest')[0, 0].long()
                confidence = F.interpolate(confidence[None, None], size=ori, mode='bilinear')[0, 0]
                scores = None if scores is None else F.interpolate(scores[None], size=ori, mode='nearest')[0]
            sample.set_data(dict(pred_sem_seg=PixelData(data=labels[None]),
                                 confidence=PixelData(data=confidence[None])))
            if scores is not None:
                sample.set_data(dict(seg_logits=PixelData(data=scores)))
        return data_samples

    def loss(self, inputs: Tensor, data_samples: SampleList):
        raise NotImplementedError('CLIP-ES generates pseudo masks without training: use tools/test.py; the '
                                  'segmentation network is then trained on them (configs/clip_es/*_deeplabv2*.py)')

    def _forward(self, inputs: Tensor, data_samples: OptSampleList = None):
        return self.predict(inputs, data_samples)

    def extract_feat(self, inputs: Tensor):
        return self.backbone(inputs)

    def encode_decode(self, inputs: Tensor, batch_img_metas: List[dict]):
        raise NotImplementedError('CLIP-ES segments one image at a time from its image-level labels: use predict()')
