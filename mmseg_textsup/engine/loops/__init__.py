from .autocast_test_loop import AutocastTestLoop

__all__ = ['AutocastTestLoop']
