"""Counting the samples a dataset's pipeline rejected, across dataloader workers."""
import multiprocessing as mp


class CountsSkippedSamples:
    """Mixin for mmengine datasets: ``prepare_data()`` results that are None (a broken sample
    the pipeline skipped; the dataset then draws another one) are counted in shared memory,
    so the count made in forked dataloader workers is visible in the main process
    (``num_skipped``). With the ``spawn`` start method workers cannot share it: their skips
    are logged per sample but not counted.
    """

    def __init__(self, *args, **kwargs):
        self._skipped = mp.get_context('fork').Value('q', 0)
        super().__init__(*args, **kwargs)

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
