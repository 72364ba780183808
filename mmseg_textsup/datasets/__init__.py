from . import transforms  # noqa: F401  (registers)
from .coco_object import COCOObjectDataset
from .csv_pairs import CsvPairs
from .pending_pseudo_labels import PendingPseudoLabels
from .toy_caption_dataset import ToyCaptionDataset
from .toy_seg_dataset import ToySegDataset
from .voc20 import PascalVOC20Dataset
from .web_dataset_pairs import WebDatasetPairs

__all__ = [
    'COCOObjectDataset', 'CsvPairs', 'PascalVOC20Dataset', 'PendingPseudoLabels', 'ToyCaptionDataset',
    'ToySegDataset', 'WebDatasetPairs'
]
