import math
import os
import os.path as osp
from typing import Optional, Sequence, Tuple

import mmcv
import numpy as np
from mmengine.dist import get_rank, get_world_size
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmseg.registry import METRICS

from ..utils import save_atomically


def label_paths(out_dir: str, img_path: str):
    """(label PNG, confidence PNG) written for an image."""
    stem = osp.splitext(osp.basename(img_path))[0]
    return osp.join(out_dir, 'labels', f'{stem}.png'), osp.join(out_dir, 'confidence', f'{stem}.png')


def add_pseudo_label_writing(cfg, out_dir: str) -> None:
    """Make a config's test run write its predictions as pseudo labels to ``out_dir``.

    The test dataset is wrapped in ``PendingPseudoLabels`` (a re-run computes only the images
    an interrupted run left) and a ``PseudoLabelWriter`` joins the test evaluators.
    ``tools/test.py`` does this for every config that sets ``pseudo_label_dir``.
    """
    loader = cfg.test_dataloader
    if loader.dataset.get('type') != 'PendingPseudoLabels':
        loader.dataset = dict(type='PendingPseudoLabels', out_dir=out_dir, dataset=loader.dataset)
    loader.dataset.out_dir = out_dir
    evaluators = cfg.test_evaluator if isinstance(cfg.test_evaluator, list) else [cfg.test_evaluator]
    cfg.test_evaluator = [e for e in evaluators if e['type'] != 'PseudoLabelWriter'] + [dict(type='PseudoLabelWriter')]


def pending_pseudo_labels(cfg) -> Tuple[int, int]:
    """(images still to write, images of the job) of a config prepared by
    :func:`add_pseudo_label_writing` (its test dataset is listed, nothing is computed)."""
    from mmengine.registry import init_default_scope
    from mmseg.registry import DATASETS
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    return len(dataset), len(dataset.dataset)


def write_png_atomic(path: str, array: np.ndarray) -> None:
    """Write a PNG so that the path never holds a partial file (temporary file + rename; the
    temporary name is the writer's own, so two jobs writing one folder never share it)."""
    def write(tmp):
        if not mmcv.imwrite(array, tmp):
            raise OSError(f'could not write {tmp}')

    save_atomically(path, write)


@METRICS.register_module()
class PseudoLabelWriter(BaseMetric):
    """Write predictions as pseudo labels for training: ``<out_dir>/labels/<image>.png``
    (uint8 label map, readable as an mmseg ``seg_map``) and, when the model gives one,
    ``<out_dir>/confidence/<image>.png`` (16-bit: confidence x 65535, so a threshold such as
    CLIP-ES's 0.95 is applied within 1e-5 of the in-memory value).

    Used next to ``IoUMetric`` in ``test_evaluator``. Every file is written atomically (an
    interrupted run never leaves a truncated PNG) and images whose files exist are skipped,
    so re-running finishes an interrupted job (with ``PendingPseudoLabels`` the finished
    images are not even recomputed). Rank 0 shows a progress bar (its total comes from
    ``PendingPseudoLabels``).

    Args:
        out_dir (str, optional): output folder. None: the ``out_dir`` of the
            ``PendingPseudoLabels`` test dataset. Defaults to None.
        collect_device (str): unused (nothing is gathered). Defaults to ``'cpu'``.
        prefix (str, optional): metric prefix. Defaults to None.
    """

    default_prefix = 'pseudo_labels'

    def __init__(self, out_dir: Optional[str] = None, collect_device: str = 'cpu', prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self._out_dir = out_dir
        self._bar = None

    @property
    def out_dir(self) -> str:
        out_dir = self._out_dir or (self.dataset_meta or {}).get('pseudo_label_dir')
        if out_dir is None:
            raise ValueError('PseudoLabelWriter needs out_dir, or a PendingPseudoLabels test dataset that names it')
        for sub in ('labels', 'confidence'):
            os.makedirs(osp.join(out_dir, sub), exist_ok=True)
        return out_dir

    def _progress(self, n: int) -> None:
        if self._bar is None:
            from tqdm import tqdm
            total = (self.dataset_meta or {}).get('num_pending')
            total = math.ceil(total / get_world_size()) if total is not None else None
            self._bar = tqdm(total=total, desc=f'pseudo labels -> {self.out_dir}', disable=get_rank() != 0)
        self._bar.update(n)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        self._progress(len(data_samples))
        out_dir = self.out_dir
        for sample in data_samples:
            label_path, conf_path = label_paths(out_dir, sample['img_path'])
            has_conf = 'confidence' in sample
            if osp.isfile(label_path) and (osp.isfile(conf_path) or not has_conf):
                self.results.append(0)
                continue
            label = sample['pred_sem_seg']['data'][0].cpu().numpy()
            if label.max() > 255:
                raise ValueError(f'label {label.max()} does not fit a uint8 PNG')
            if has_conf:  # confidence first: a label file marks the image as finished
                conf = sample['confidence']['data'][0].float().cpu().numpy()
                write_png_atomic(conf_path, np.round(conf * 65535).clip(0, 65535).astype(np.uint16))
            write_png_atomic(label_path, label.astype(np.uint8))
            self.results.append(1)

    def compute_metrics(self, results: list) -> dict:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        written = int(sum(results))
        print_log(f'pseudo labels: wrote {written}, skipped {len(results) - written} finished, in {self.out_dir}',
                  'current')
        meta = self.dataset_meta or {}
        if meta.get('num_pending', 0) < meta.get('num_total', 0):
            print_log(f"pseudo labels: resumed job: this run computed {meta['num_pending']} of the "
                      f"{meta['num_total']} images (an earlier run wrote the others), and the metrics printed with "
                      f"it cover those {meta['num_pending']} only", 'current', level=30)
        return dict(written=written, skipped=len(results) - written)
