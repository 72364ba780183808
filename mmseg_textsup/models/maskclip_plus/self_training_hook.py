from typing import Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS


@HOOKS.register_module()
class SelfTrainingHook(Hook):
    """Switch MaskCLIP+ from teacher-guided learning to self-training at an iteration.

    Before every training iteration the phase is derived from the iteration number alone
    (``runner.iter >= start``) and written to the model's ``self_training`` flag, so a
    resumed run continues in the right phase. Every change of phase is logged.

    Args:
        start_iter (int, optional): first self-training iteration (0-based, i.e. the first
            ``start_iter`` iterations are guided by the teacher). Defaults to None: use
            ``start_ratio``.
        start_ratio (float): fraction of ``max_iters`` guided by the teacher when
            ``start_iter`` is None. Defaults to 0.1 (the paper's 1/10 of the schedule).
    """

    priority = 'NORMAL'

    def __init__(self, start_iter: Optional[int] = None, start_ratio: float = 0.1):
        if start_iter is None and not 0 <= start_ratio <= 1:
            raise ValueError(f'start_ratio must be in [0, 1], got {start_ratio}')
        self.start_iter = start_iter
        self.start_ratio = start_ratio

    def start(self, runner) -> int:
        """The first self-training iteration of this run."""
        return self.start_iter if self.start_iter is not None else round(runner.max_iters * self.start_ratio)

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if not hasattr(model, 'self_training'):
            raise TypeError(f'SelfTrainingHook needs a model with a self_training flag (MaskCLIPPlus), '
                            f'got {type(model).__name__}')
        runner.logger.info(f'MaskCLIP+: teacher-guided learning for iterations [0, {self.start(runner)}), '
                           'self-training after')

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        phase = runner.iter >= self.start(runner)
        if phase != model.self_training:
            model.self_training = phase
            what = 'self-training (the student labels itself)' if phase else 'teacher-guided learning'
            runner.logger.info(f'MaskCLIP+: iteration {runner.iter}: {what}')
