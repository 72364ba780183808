"""Image-caption pairs listed in a CSV or TSV file."""
import csv
import os.path as osp
from typing import List

from mmengine.dataset import BaseDataset
from mmseg.registry import DATASETS

from .skip_counter import CountsSkippedSamples


@DATASETS.register_module()
class CsvPairs(CountsSkippedSamples, BaseDataset):
    """Image-caption pairs listed in a CSV or TSV file (image path, caption).

    Args:
        ann_file (str): the list; ``.tsv`` files are tab-separated, others comma-separated.
        img_key (str): column of the image path (relative to ``data_root``).
            Defaults to ``'filepath'``.
        caption_key (str): column of the caption. Defaults to ``'title'``.
        **kwargs: :class:`BaseDataset` arguments (``data_root``, ``pipeline``, ...).
    """

    def __init__(self, ann_file: str, img_key: str = 'filepath', caption_key: str = 'title', **kwargs):
        self.img_key = img_key
        self.caption_key = caption_key
        super().__init__(ann_file=ann_file, **kwargs)

    def load_data_list(self) -> List[dict]:
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(f'Image-caption list not found: {self.ann_file}')
        delimiter = '\t' if self.ann_file.endswith('.tsv') else ','
        with open(self.ann_file, newline='', encoding='utf-8') as f:
            reader = csv.DictReader(f, delimiter=delimiter)
            for col in (self.img_key, self.caption_key):
                if col not in (reader.fieldnames or []):
                    raise ValueError(f'{self.ann_file}: no column {col!r} (columns: {reader.fieldnames})')
            root = self.data_root or ''
            data, problems = [], []
            for i, row in enumerate(reader):
                empty = [col for col in (self.img_key, self.caption_key) if not (row.get(col) or '').strip()]
                if empty:
                    problems.append(f'{self.ann_file} line {reader.line_num}: no {" and no ".join(empty)}')
                    continue
                data.append(dict(img_path=osp.join(root, row[self.img_key]), caption=row[self.caption_key], key=str(i)))
        self.report_indexing(problems)
        return data
