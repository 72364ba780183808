"""A test-only hook that SIGKILLs its own training process right after a checkpoint is saved
(imported by the kill/resume test's config through ``custom_imports``)."""
import os
import signal

from mmengine.hooks import Hook
from mmseg.registry import HOOKS


@HOOKS.register_module()
class SigkillAfterIterHook(Hook):
    """Kill the process at the end of training iteration ``at_iter`` (after the checkpoint hook
    ran) or of test batch ``at_test_batch`` (after the evaluator processed it).

    Args:
        at_iter (int, optional): 1-based training iteration whose end kills the run.
        at_test_batch (int, optional): 1-based test batch whose end kills the run.
    """

    priority = 'LOWEST'  # after CheckpointHook (VERY_LOW) has written iter_<at_iter>.pth

    def __init__(self, at_iter=None, at_test_batch=None):
        self.at_iter = at_iter
        self.at_test_batch = at_test_batch

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if runner.iter + 1 == self.at_iter:
            os.kill(os.getpid(), signal.SIGKILL)

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if batch_idx + 1 == self.at_test_batch:
            os.kill(os.getpid(), signal.SIGKILL)
