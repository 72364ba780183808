from .atomic import save_atomically
from .checkpoint_safety import SAFE_GLOBALS, install_checkpoint_allowlist

__all__ = ['SAFE_GLOBALS', 'install_checkpoint_allowlist', 'save_atomically']
