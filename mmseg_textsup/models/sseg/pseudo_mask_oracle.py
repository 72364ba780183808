from typing import Optional

import torch
import torch.nn.functional as F
from mmengine.structures import PixelData
from mmseg.models.segmentors.base import BaseSegmentor
from mmseg.registry import MODELS
from mmseg.utils import OptSampleList, SampleList
from torch import Tensor


def oracle_labels(clusters: Tensor, gt: Tensor, num_classes: int, ignore_index: int = 255) -> Tensor:
    """Give every cluster of ``clusters`` (H, W) the ground-truth class (H, W) most of its
    labelled pixels have (the oracle of S-Seg's Table 1); unlabelled-only clusters -> ignore."""
    valid = gt != ignore_index
    k = int(clusters.max()) + 1
    votes = torch.zeros(k, num_classes, dtype=torch.long, device=gt.device)
    votes.index_put_((clusters[valid], gt[valid].long()), torch.ones_like(gt[valid], dtype=torch.long),
                     accumulate=True)
    best = torch.where(votes.sum(1) > 0, votes.argmax(1), torch.full_like(votes[:, 0], ignore_index))
    return best[clusters]


@MODELS.register_module()
class PseudoMaskOracle(BaseSegmentor):
    """Evaluates class-agnostic pseudo masks with oracle labels through the standard test
    tool: each cluster of :class:`PseudoMaskGenerator` takes its best ground-truth class, and
    mmseg's ``IoUMetric`` scores the result (S-Seg, Table 1). Not trainable.

    Args:
        pseudo_masks (dict): :class:`PseudoMaskGenerator`.
        num_classes (int): classes of the dataset.
        data_preprocessor (dict, optional): ``SegDataPreProcessor`` config.
        init_cfg (dict, optional): MMEngine init config.
    """

    def __init__(self, pseudo_masks: dict, num_classes: int, data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.pseudo_masks = MODELS.build(pseudo_masks)
        self.num_classes = num_classes

    def init_weights(self):
        super().init_weights()
        self.pseudo_masks.init_weights()

    def loss(self, inputs: Tensor, data_samples: SampleList):
        raise NotImplementedError('PseudoMaskOracle only evaluates pseudo masks; it has nothing to train.')

    def predict(self, inputs: Tensor, data_samples: OptSampleList = None) -> SampleList:
        if data_samples is None or not all('gt_sem_seg' in s for s in data_samples):
            raise ValueError('PseudoMaskOracle needs the ground truth (gt_sem_seg) of every image')
        clusters = self.pseudo_masks(inputs)
        for b, sample in enumerate(data_samples):
            gt = sample.gt_sem_seg.data[0].to(inputs.device)
            meta = sample.metainfo
            top, bottom, left, right = meta.get('padding_size', [0, 0, 0, 0])
            h, w = meta['img_shape']
            c = clusters[b:b + 1, top:top + h, left:left + w].float()
            c = F.interpolate(c[:, None], size=gt.shape, mode='nearest')[0, 0].long()
            sample.set_data({'pred_sem_seg': PixelData(data=oracle_labels(c, gt, self.num_classes)[None])})
        return data_samples

    def _forward(self, inputs: Tensor, data_samples: OptSampleList = None) -> Tensor:
        return self.pseudo_masks(inputs)

    def extract_feat(self, inputs: Tensor):
        return self.pseudo_masks.tokens(inputs)

    def encode_decode(self, inputs: Tensor, batch_data_samples: SampleList):
        raise NotImplementedError('PseudoMaskOracle has no class scores; use predict().')
