from . import transforms  # noqa: F401  (registers)
from .coco_object import COCOObjectDataset
from .toy_caption_dataset import ToyCaptionDataset
from .toy_seg_dataset import ToySegDataset
from .voc20 import PascalVOC20Dataset

__all__ = ['COCOObjectDataset', 'PascalVOC20Dataset', 'ToyCaptionDataset', 'ToySegDataset']
