"""Safe checkpoint loading on torch >= 2.6 (``torch.load(weights_only=True)`` by default).

MMEngine 0.10.x saves its message hub (``HistoryBuffer`` objects holding numpy arrays)
and numpy scalars in every checkpoint, so ``--resume`` fails with "Weights only load
failed". Instead of turning ``weights_only`` off for every file, the few classes that
MMEngine itself writes are added to torch's allow-list; anything else in a pickle (a
planted ``os.system``, say) is still refused.
"""
import pickle

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer


def _numpy_globals():
    multiarray = getattr(np, '_core', None) or np.core  # numpy 2 renamed core -> _core
    multiarray = multiarray.multiarray
    dtypes = (np.float64, np.float32, np.float16, np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_)
    dtype_classes = [type(np.dtype(t)) for t in dtypes]
    return [multiarray._reconstruct, multiarray.scalar, np.ndarray, np.dtype, *dtype_classes]


_STATISTICS = ('min', 'max', 'current', 'mean')


def history_buffer_getattr(obj, name: str):
    """Stand-in for ``builtins.getattr`` in checkpoints: resolves only HistoryBuffer statistics.

    MMEngine pickles ``HistoryBuffer._statistics_methods`` (functions such as
    ``HistoryBuffer.min``) as ``getattr(HistoryBuffer, 'min')``. Allowing the real
    ``getattr`` would let a pickle reach any attribute of any allowed class (e.g.
    ``numpy.ndarray.tofile``), so only these lookups are answered.
    """
    allowed = set(_STATISTICS) | set(HistoryBuffer._statistics_methods)
    if (obj is HistoryBuffer or isinstance(obj, HistoryBuffer)) and name in allowed:
        return getattr(obj, name)
    raise pickle.UnpicklingError(f'checkpoint asks for getattr({obj!r}, {name!r}), which is not allowed')


#: Everything beyond plain tensors and containers that MMEngine puts in a checkpoint.
# (pickle writes an empty array's data, the history of a never-updated HistoryBuffer, as `bytes()`)
SAFE_GLOBALS = [HistoryBuffer, (history_buffer_getattr, 'builtins.getattr'), bytes, *_numpy_globals()]


def install_checkpoint_allowlist() -> None:
    """Allow exactly :data:`SAFE_GLOBALS` in ``weights_only`` loads (idempotent)."""
    torch.serialization.add_safe_globals(SAFE_GLOBALS)
