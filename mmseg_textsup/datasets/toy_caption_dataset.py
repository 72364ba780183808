from mmengine.dataset import BaseDataset
from mmseg.registry import DATASETS

from .toy import CLASSES
from .toy_seg_dataset import toy_data_list


@DATASETS.register_module()
class ToyCaptionDataset(BaseDataset):
    """Toy-world image-caption pairs for pre-training (the pipeline starts with ``LoadToySample``).

    Args:
        num_samples (int): pairs per epoch. Defaults to 100000.
        seed (int): world seed. Defaults to 0.
        size (int): image side in pixels. Defaults to 64.
        split (str): toy split whose index range is used. Defaults to ``'train'``.
        **kwargs: :class:`BaseDataset` arguments (``pipeline``, ...).
    """
    METAINFO = dict(classes=CLASSES)

    def __init__(self, num_samples: int = 100000, seed: int = 0, size: int = 64, split: str = 'train', **kwargs):
        self.num_samples, self.seed, self.size, self.split = num_samples, seed, size, split
        super().__init__(**kwargs)

    def load_data_list(self):
        return toy_data_list(self.split, self.num_samples, self.seed, self.size)
