"""Files that are either whole or absent."""
import os
import os.path as osp
import uuid
from typing import Callable


def save_atomically(path: str, write: Callable[[str], object]) -> None:
    """``write(temporary path)``, then rename it to ``path``, so a killed run never leaves a
    half-written file; the temporary name is the writer's own (process and random tag, the
    extension kept for writers that pick the format by it), so two jobs writing one folder
    never share one."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    stem, ext = osp.splitext(path)
    tmp = f'{stem}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp{ext}'
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
