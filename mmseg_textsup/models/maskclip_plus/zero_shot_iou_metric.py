from typing import Dict

import numpy as np
from mmengine.logging import print_log
from mmseg.evaluation.metrics import IoUMetric
from mmseg.registry import METRICS

from .zero_shot_splits import ClassSelection, class_indices, resolve_unseen


def _nanmean(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(values.mean()) if len(values) else float('nan')


def harmonic_mean(seen: float, unseen: float) -> float:
    """hIoU = 2 S U / (S + U); 0 when both are 0."""
    return 0.0 if seen + unseen == 0 else 2 * seen * unseen / (seen + unseen)


@METRICS.register_module()
class ZeroShotIoUMetric(IoUMetric):
    """mIoU with the zero-shot split: ``mIoU_seen``, ``mIoU_unseen`` and their harmonic mean
    ``hIoU`` next to mmseg's ``mIoU`` (MaskCLIP+ Table 2 / 3 protocol).

    Classes absent from the evaluated images (NaN IoU) are left out of the means, as
    mmseg's ``mIoU`` does.

    Args:
        unseen_classes (str | Sequence[str]): a split of ``UNSEEN_CLASSES`` (``'voc'``,
            ``'context'``, ``'coco_stuff'``) or class names of the dataset.
        **kwargs: :class:`IoUMetric` arguments.
    """

    def __init__(self, unseen_classes: ClassSelection, **kwargs):
        kwargs.setdefault('iou_metrics', ['mIoU'])
        super().__init__(**kwargs)
        self.unseen_classes = resolve_unseen(unseen_classes)

    def compute_metrics(self, results: list) -> Dict[str, float]:
        metrics = super().compute_metrics(results)
        if self.format_only:
            return metrics
        intersect, union = (sum(r[i] for r in results) for i in (0, 1))
        iou = np.asarray(intersect / union, dtype=np.float64)
        classes = self.dataset_meta['classes']
        is_unseen = np.zeros(len(classes), dtype=bool)
        is_unseen[class_indices(self.unseen_classes, classes, 'unseen classes')] = True
        seen, unseen = 100 * _nanmean(iou[~is_unseen]), 100 * _nanmean(iou[is_unseen])
        metrics.update(mIoU_seen=round(seen, 2), mIoU_unseen=round(unseen, 2),
                       hIoU=round(harmonic_mean(seen, unseen), 2))
        print_log(f'zero-shot: mIoU(S) {seen:.2f}  mIoU(U) {unseen:.2f}  hIoU {metrics["hIoU"]:.2f}', 'current')
        return metrics
