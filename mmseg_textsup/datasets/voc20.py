from mmseg.datasets import PascalVOCDataset
from mmseg.registry import DATASETS


@DATASETS.register_module()
class PascalVOC20Dataset(PascalVOCDataset):
    """PASCAL VOC 2012 without the background class (20 classes), the "VOC20" benchmark.

    Same folder layout as mmseg's ``PascalVOCDataset``; background pixels (label 0) are
    ignored through ``reduce_zero_label`` and the 20 object labels become 0-19.
    """
    METAINFO = dict(
        classes=PascalVOCDataset.METAINFO['classes'][1:], palette=PascalVOCDataset.METAINFO['palette'][1:])

    def __init__(self, ann_file: str, img_suffix: str = '.jpg', seg_map_suffix: str = '.png', **kwargs):
        kwargs.setdefault('reduce_zero_label', True)
        super().__init__(ann_file=ann_file, img_suffix=img_suffix, seg_map_suffix=seg_map_suffix, **kwargs)
