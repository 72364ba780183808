import os.path as osp

from mmseg.registry import DATASETS
from torch.utils.data import Dataset

from ..evaluation.pseudo_label_writer import label_paths


@DATASETS.register_module()
class PendingPseudoLabels(Dataset):
    """The images of ``dataset`` whose pseudo labels are not yet in ``out_dir``.

    Wrap the test dataset of a pseudo-label job with it so that a re-run computes only what
    an interrupted run left (``PseudoLabelWriter`` writes to the same ``out_dir``).

    Args:
        dataset (dict): the dataset config (its samples have ``img_path``).
        out_dir (str): the output folder; a ``PseudoLabelWriter`` without ``out_dir`` writes there.
    """

    def __init__(self, dataset: dict, out_dir: str):
        self.dataset = DATASETS.build(dataset)
        self.out_dir = out_dir
        self.pending = [i for i in range(len(self.dataset))
                        if not osp.isfile(label_paths(out_dir, self.dataset.get_data_info(i)['img_path'])[0])]

    @property
    def metainfo(self) -> dict:
        return dict(self.dataset.metainfo, num_pending=len(self.pending), num_total=len(self.dataset),
                    pseudo_label_dir=self.out_dir)

    def __len__(self) -> int:
        return len(self.pending)

    def __getitem__(self, index: int):
        return self.dataset[self.pending[index]]
