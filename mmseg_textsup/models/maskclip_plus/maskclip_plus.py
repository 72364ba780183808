from typing import List, Optional

import torch
import torch.nn.functional as F
from mmengine.logging import print_log
from mmengine.structures import PixelData
from mmseg.models.segmentors import EncoderDecoder
from mmseg.registry import MODELS
from mmseg.utils import SampleList
from torch import Tensor

from ...vocabularies import normalise_class_name
from .zero_shot_splits import ClassSelection, class_indices, resolve_unseen


def pseudo_labels(probs: Tensor, threshold: float, ignore_index: int, candidates: Optional[Tensor] = None) -> Tensor:
    """Argmax labels (B, H, W) of class probabilities (B, K, H, W).

    Pixels whose confidence (the winning probability) is below ``threshold``, or zero,
    get ``ignore_index``. With ``candidates`` (class indices), the choice is restricted to
    them and the confidence is renormalised over them (zero-shot: unseen classes only).
    """
    if candidates is not None:
        probs = probs[:, candidates]
        probs = probs / probs.sum(dim=1, keepdim=True).clamp_min(1e-12)
    conf, labels = probs.max(dim=1)
    if candidates is not None:
        labels = candidates[labels]
    return labels.masked_fill((conf < threshold) | (conf <= 0), ignore_index)


def merge_pseudo_labels(probs: Tensor, gt: Optional[Tensor], unseen_index: Optional[Tensor], threshold: float,
                        ignore_index: int) -> Tensor:
    """MaskCLIP+'s targets (B, H, W) from pseudo-label probabilities (B, K, H, W), the official rule.

    - annotation-free (``unseen_index`` None): the argmax everywhere, except where a loaded
      ground truth ``gt`` (B, H, W) is ``ignore_index`` (it says only where to ignore);
    - transductive zero-shot: ground truth of seen classes is kept (``ignore_index`` too);
      pixels of unseen classes get the argmax over the unseen classes.
    """
    if unseen_index is None:
        targets = pseudo_labels(probs, threshold, ignore_index)
        return targets if gt is None else targets.masked_fill(gt == ignore_index, ignore_index)
    pseudo = pseudo_labels(probs, threshold, ignore_index, unseen_index)
    return torch.where(torch.isin(gt, unseen_index), pseudo, gt)


def _without_override(init_cfg, name: str):
    """Drop the initialisers that target the submodule ``name`` from an ``init_cfg``."""
    cfgs = init_cfg if isinstance(init_cfg, list) else [init_cfg] if init_cfg else []
    kept = [c for c in cfgs if (c.get('override') or {}).get('name') != name]
    return kept or None


@MODELS.register_module()
class MaskCLIPPlus(EncoderDecoder):
    """MaskCLIP+: a segmentation network with a text-embedding classifier, trained from the
    pseudo labels of a frozen MaskCLIP teacher and then from its own (self-training).

    Paper: Extract Free Dense Labels from CLIP, https://arxiv.org/abs/2112.01071 (sec. 3.4).

    The decode head's last classifier (``conv_seg``) is replaced by ``classifier``
    (:class:`TextEmbeddingClassifier`), so the student segments an open vocabulary. The
    teacher (an :class:`OpenVocabEncoderDecoder` built from ``teacher``) sees the student's
    pre-processed batch as it is (the official code feeds the teacher the student's image,
    normalised by the config; a ``data_preprocessor`` of the teacher is not used) under
    ``no_grad``, always in eval mode; it is kept out of ``parameters()``, the optimizer, DDP and
    the checkpoint (unless ``keep_teacher_in_checkpoint``), but moves with the model between
    devices.
    :class:`SelfTrainingHook` sets :attr:`self_training` from the iteration number.

    Call graph::

        loss(): extract_feat() -> decode_head.forward() -> seg_logits
                -> pseudo_targets(): guided: teacher_probabilities() -> teacher.whole/slide_inference()
                                     self-training: softmax(seg_logits.detach())
                                     -> merge_pseudo_labels() [zero-shot: gt for seen, unseen-only pseudo labels]
                -> decode_head.loss_by_feat(seg_logits, targets)
        predict() / _forward(): as EncoderDecoder (the teacher is not used)

    Args:
        teacher (dict): config of the frozen MaskCLIP model (``OpenVocabEncoderDecoder``);
            its weights load in :meth:`init_weights`.
        classifier (dict): config of the student classifier (``TextEmbeddingClassifier``);
            ``in_channels`` defaults to the decode head's ``channels``.
        decode_head (dict): the student's head (``ASPPV2Head``, mmseg's
            ``DepthwiseSeparableASPPHead``, ...); its ``num_classes`` is replaced by the
            classifier's vocabulary size.
        pseudo_label_threshold (float): pixels whose pseudo-label confidence is below are
            ignored by the loss. Defaults to 0 (every pixel is used).
        unseen_classes (str | Sequence[str], optional): transductive zero-shot mode: a split
            of ``UNSEEN_CLASSES`` or class names. Ground truth of these classes is never a
            target: their pixels count as unlabelled and get pseudo labels restricted to the
            unseen classes; other pixels keep their ground truth. None: annotation-free:
            every pixel gets a pseudo label, except where a loaded ground truth is the
            ignore index (the official code keeps those ignored: VOC / Context background,
            COCO-Stuff unlabelled); with no ground truth loaded, every pixel. Defaults to None.
        keep_teacher_in_checkpoint (bool): register the teacher as a submodule so that its
            weights are saved with the student. Defaults to False.
        **kwargs: :class:`EncoderDecoder` arguments (``backbone``, ``data_preprocessor``,
            ``train_cfg``, ``test_cfg``, ``init_cfg``, ...).
    """

    def __init__(self,
                 teacher: dict,
                 classifier: dict,
                 decode_head: dict,
                 pseudo_label_threshold: float = 0.0,
                 unseen_classes: Optional[ClassSelection] = None,
                 keep_teacher_in_checkpoint: bool = False,
                 **kwargs):
        classifier = MODELS.build(dict(dict(in_channels=decode_head['channels']), **classifier))
        super().__init__(decode_head=dict(decode_head, num_classes=classifier.num_classes), **kwargs)
        self.decode_head.conv_seg = classifier
        self.decode_head.init_cfg = _without_override(self.decode_head.init_cfg, 'conv_seg')

        teacher = MODELS.build(teacher)
        teacher.requires_grad_(False)
        teacher.eval()
        self.keep_teacher_in_checkpoint = keep_teacher_in_checkpoint
        if keep_teacher_in_checkpoint:
            self.teacher = teacher
        else:  # a plain attribute: not a submodule, so no parameters, state dict or DDP sync
            object.__setattr__(self, 'teacher', teacher)
        self.register_buffer('teacher_index', self._match_teacher_classes(), persistent=False)
        self.unseen_classes = None if unseen_classes is None else resolve_unseen(unseen_classes)
        unseen = ([] if self.unseen_classes is None else
                  class_indices(self.unseen_classes, self.class_names, 'unseen classes'))
        self.register_buffer('unseen_index', torch.tensor(unseen, dtype=torch.long), persistent=False)
        self.pseudo_label_threshold = pseudo_label_threshold
        self.self_training = False

    @property
    def class_names(self) -> List[str]:
        return self.decode_head.conv_seg.class_names

    def set_vocabulary(self, vocabulary) -> None:
        """Replace the student's classes for inference (its classifier is the text embeddings;
        a learnt background stays); the teacher, read in training only, keeps its own."""
        self.decode_head.conv_seg.text_encoder.set_vocabulary(vocabulary)
        self.num_classes = self.out_channels = self.decode_head.conv_seg.num_classes
        self.decode_head.num_classes = self.decode_head.out_channels = self.num_classes

    def _match_teacher_classes(self) -> Tensor:
        """For every student class, the teacher's output channel of the same name (or -1)."""
        lookup = {normalise_class_name(n): i for i, n in enumerate(self.teacher.class_names)}
        index = [lookup.get(normalise_class_name(n), -1) for n in self.class_names]
        unmatched = [n for n, i in zip(self.class_names, index) if i < 0]
        if len(unmatched) == len(index):
            raise ValueError(f'the teacher ({self.teacher.class_names[:5]}...) shares no class with the student '
                             f'({self.class_names[:5]}...): use the same vocabulary')
        if unmatched:
            print_log(f'MaskCLIP+: the teacher never pseudo-labels {unmatched} (not in its vocabulary)', 'current')
        return torch.tensor(index, dtype=torch.long)

    def _apply(self, fn, *args, **kwargs):
        super()._apply(fn, *args, **kwargs)
        if not self.keep_teacher_in_checkpoint:
            self.teacher._apply(fn, *args, **kwargs)
        return self

    def train(self, mode: bool = True):
        super().train(mode)
        self.teacher.eval()
        return self

    def init_weights(self):
        super().init_weights()
        if not self.keep_teacher_in_checkpoint:
            self.teacher.init_weights()

    @torch.no_grad()
    def teacher_probabilities(self, inputs: Tensor) -> Tensor:
        """The teacher's class probabilities (B, K, H, W) in the student's class order
        (zero for classes the teacher does not know)."""
        teacher = self.teacher
        size = inputs.shape[2:]
        metas = [dict(img_shape=size, pad_shape=size, ori_shape=size) for _ in range(len(inputs))]
        infer = teacher.slide_inference if teacher.test_cfg.get('mode', 'whole') == 'slide' else teacher.whole_inference
        probs = teacher.probabilities(infer(inputs, metas))
        known = self.teacher_index >= 0
        out = probs.new_zeros(probs.shape[0], len(self.teacher_index), *probs.shape[2:])
        out[:, known] = probs[:, self.teacher_index[known]]
        return out

    def pseudo_targets(self, inputs: Tensor, data_samples: SampleList, seg_logits: Tensor) -> Tensor:
        """Training targets (B, H, W) for the batch: pseudo labels from the teacher (or from
        ``seg_logits`` when self-training), merged with seen-class ground truth in zero-shot
        mode; padding and low-confidence pixels get the head's ``ignore_index``."""
        head = self.decode_head
        size = inputs.shape[2:]
        if self.self_training:
            logits = F.interpolate(seg_logits.detach(), size=size, mode='bilinear', align_corners=head.align_corners)
            probs = logits.float().softmax(dim=1)
        else:
            probs = self.teacher_probabilities(inputs)
        has_gt = all('gt_sem_seg' in s for s in data_samples)
        gt = torch.stack([s.gt_sem_seg.data[0] for s in data_samples]).long() if has_gt else None
        unseen = None if self.unseen_classes is None else self.unseen_index
        targets = merge_pseudo_labels(probs, gt, unseen, self.pseudo_label_threshold, head.ignore_index)
        for target, sample in zip(targets, data_samples):  # padding added by the data preprocessor
            h, w = sample.metainfo.get('img_shape', size)
            target[h:] = head.ignore_index
            target[:, w:] = head.ignore_index
        return targets

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        x = self.extract_feat(inputs)
        seg_logits = self.decode_head.forward(x)
        targets = self.pseudo_targets(inputs, data_samples, seg_logits)
        for target, sample in zip(targets, data_samples):
            sample.gt_sem_seg = PixelData(data=target[None])
        losses = {f'decode.{k}': v for k, v in self.decode_head.loss_by_feat(seg_logits, data_samples).items()}
        if self.with_auxiliary_head:
            losses.update(self._auxiliary_head_forward_train(x, data_samples))
        losses['pseudo_coverage'] = (targets != self.decode_head.ignore_index).float().mean()
        return losses
