import torch
from mmengine.structures import PixelData
from mmseg.datasets.transforms import PackSegInputs
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PackSegInputsWithConfidence(PackSegInputs):
    """``PackSegInputs`` that also packs ``gt_confidence`` (``LoadConfidenceMap``) as the data
    sample's ``gt_confidence`` pixel field (1, H, W), float32."""

    def transform(self, results: dict) -> dict:
        packed = super().transform(results)
        if 'gt_confidence' not in results:
            raise KeyError('no gt_confidence: put LoadConfidenceMap after the annotation loading')
        packed['data_samples'].gt_confidence = PixelData(data=torch.from_numpy(results['gt_confidence'][None].copy()))
        return packed
