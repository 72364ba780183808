from typing import List, Optional, Sequence, Tuple

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS


def model_classes(model) -> Tuple[Optional[int], Optional[List[str]]]:
    """(number, names) of a model's output labels: a segmentor's ``class_names`` (output order,
    an inserted background included; SCLIP's many names per class fused), else its
    ``num_classes`` without names (a plain decode head; CLIP-ES, whose background is not a word)."""
    names = getattr(model, 'class_names', None)
    if names is not None:
        names = [str(n).strip().lower() for n in names]
        return len(names), names
    return getattr(model, 'num_classes', None), None


def vocabulary_mismatch(model, classes: Sequence[str]) -> Optional[str]:
    """Why a model's classes do not match a dataset's ``classes`` (None when they do).

    The number must agree: a 9- or 21-class vocabulary on a 10-class set would be scored
    against the wrong classes, under the dataset's names. Where the model names its classes
    (:func:`model_classes`) and at least half of them are the dataset's names, the names both
    share must be at the same positions (two swapped classes); vocabularies worded otherwise
    (synonyms, other spellings) are checked by count only.
    """
    count, names = model_classes(model)
    if count is None or not classes:
        return None
    if count != len(classes):
        return f'the model has {count} classes, the dataset {len(classes)} ({", ".join(map(str, classes[:4]))}, ...)'
    if names is None:
        return None
    dataset = [str(c).strip().lower() for c in classes]
    shared = set(names) & set(dataset)
    if len(shared) * 2 < len(dataset):
        return None
    moved = [f'{n!r} is class {names.index(n)} of the model, {dataset.index(n)} of the dataset'
             for n in dataset if n in shared and names.index(n) != dataset.index(n)]
    return '; '.join(moved[:5]) or None


def label_value_problem(num_classes: int, data_samples, ignore_index: int = 255) -> Optional[str]:
    """Which label map of a batch holds values outside ``[0, num_classes)`` and ``ignore_index``
    (None when none does)."""
    for sample in data_samples or ():
        gt = getattr(sample, 'gt_sem_seg', None)
        if gt is None:
            continue
        values = gt.data.unique()
        bad = values[(values >= num_classes) & (values != ignore_index)]
        if len(bad):
            where = sample.metainfo.get('seg_map_path') or sample.metainfo.get('img_path', 'a label map')
            return (f'{where}: label values {bad.tolist()[:8]} are not classes of the {num_classes}-class model '
                    f'(nor the ignore index {ignore_index})')
    return None


@HOOKS.register_module()
class ClassCheckHook(Hook):
    """Stop a run whose dataset and model disagree on the classes, naming what differs.

    Before training, validation and testing: the model's classes against the dataset's
    ``metainfo['classes']`` (:func:`vocabulary_mismatch`); at every batch: the label values
    against the model's number of classes (:func:`label_value_problem`; a value above it would
    stop training with "Target ... is out of bounds", naming no file, and be dropped silently
    by ``IoUMetric``). ``tools/train.py`` and ``tools/test.py`` add it to every run.
    """

    priority = 'VERY_HIGH'

    @staticmethod
    def _model(runner):
        return runner.model.module if is_model_wrapper(runner.model) else runner.model

    def _check_classes(self, runner, dataset) -> None:
        why = vocabulary_mismatch(self._model(runner), dataset.metainfo.get('classes', ()))
        if why:
            raise ValueError(f'the vocabulary does not match the dataset {type(dataset).__name__}: {why}. Give the '
                             "model the dataset's classes in order (model.text_encoder.vocabulary / "
                             "decode_head.num_classes) or the dataset the model's (dataset.metainfo).")

    def _check_labels(self, runner, data_batch) -> None:
        count = model_classes(self._model(runner))[0]
        if count is not None and isinstance(data_batch, dict):
            why = label_value_problem(count, data_batch.get('data_samples'))
            if why:
                raise ValueError(why)

    def before_train(self, runner) -> None:
        self._check_classes(runner, runner.train_dataloader.dataset)

    def before_val(self, runner) -> None:
        self._check_classes(runner, runner.val_loop.dataloader.dataset)

    def before_test(self, runner) -> None:
        self._check_classes(runner, runner.test_loop.dataloader.dataset)

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self._check_labels(runner, data_batch)

    def before_val_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self._check_labels(runner, data_batch)

    def before_test_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self._check_labels(runner, data_batch)
