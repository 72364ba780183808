import torch
from mmengine.dist import all_reduce
from mmengine.hooks import Hook
from mmseg.registry import HOOKS


@HOOKS.register_module()
class SkippedSamplesHook(Hook):
    """Report how many broken training samples were skipped (summed over ranks and workers).

    Each skip is logged where it happens, naming the file and the reason
    (``LoadImageTextPair``); this hook adds the totals every ``interval`` iterations, at
    the end of every epoch and at the end of training, and before training the number of
    samples indexing left out (``lost_at_indexing``). Datasets count skips with
    ``CountsSkippedSamples`` (``WebDatasetPairs``, ``CsvPairs``); others report nothing.

    Args:
        interval (int): iterations between reports. Defaults to 1000.
    """

    priority = 'LOW'

    def __init__(self, interval: int = 1000):
        self.interval = interval

    @staticmethod
    def total(runner) -> int:
        """Skips so far, summed over ranks (all ranks must call this together)."""
        count = torch.tensor([getattr(runner.train_dataloader.dataset, 'num_skipped', 0)], dtype=torch.long)
        all_reduce(count)
        return int(count.item())

    def _report(self, runner, when: str) -> None:
        total = self.total(runner)
        runner.logger.info(f'{when}: {total} broken training samples skipped so far '
                           "(each is logged as 'skipping broken sample' with its file and reason)")

    def before_train(self, runner) -> None:
        lost = getattr(runner.train_dataloader.dataset, 'lost_at_indexing', 0)
        if lost:  # every rank indexed the same files: no sum
            runner.logger.warning(f'{lost} samples or shard tails were left out while indexing the training data '
                                  "(each is logged as 'left out while indexing' with its shard / key or row)")

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if self.every_n_train_iters(runner, self.interval):
            self._report(runner, f'iteration {runner.iter + 1}')

    def after_train_epoch(self, runner) -> None:
        self._report(runner, f'end of epoch {runner.epoch}')

    def after_train(self, runner) -> None:
        self._report(runner, 'end of training')
