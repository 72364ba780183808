"""Counting the samples a dataset left out when indexing and those its pipeline rejected, across
dataloader workers."""
import logging
import multiprocessing as mp
from typing import List

from mmengine.logging import print_log


class CountsSkippedSamples:
    """Mixin for mmengine datasets: ``prepare_data()`` results that are None (a broken sample
    the pipeline skipped; the dataset then draws another one) are counted in shared memory,
    so the count made in forked dataloader workers is visible in the main process
    (``num_skipped``). With the ``spawn`` start method workers cannot share it: their skips
    are logged per sample but not counted. Samples left out while indexing (``lost_at_indexing``:
    truncated shards, members without an image or caption, list rows without a field) are
    logged by :meth:`report_indexing`, each naming its shard / key or row.
    """

    def __init__(self, *args, **kwargs):
        self._skipped = mp.get_context('fork').Value('q', 0)
        self.lost_at_indexing = 0
        super().__init__(*args, **kwargs)

    def report_indexing(self, problems: List[str], shown: int = 20) -> None:
        """Log what indexing left out (the first ``shown`` lines) and count it."""
        self.lost_at_indexing = len(problems)
        for line in problems[:shown]:
            print_log(f'left out while indexing: {line}', logger='current', level=logging.WARNING)
        if len(problems) > shown:
            print_log(f'left out while indexing: ... and {len(problems) - shown} more', logger='current',
                      level=logging.WARNING)

    def prepare_data(self, idx):
        data = super().prepare_data(idx)
        if data is None and self._skipped is not None:
            with self._skipped.get_lock():
                self._skipped.value += 1
        return data

    @property
    def num_skipped(self) -> int:
        return 0 if self._skipped is None else int(self._skipped.value)

    def __getstate__(self):
        state = self.__dict__.copy()
        state['_skipped'] = None  # pickled (spawned workers): shared counters travel only by fork
        return state
