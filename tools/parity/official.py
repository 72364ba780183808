"""Run single files of an official repository next to this package, for the parity scripts.

The official repositories target old library versions (mmseg 0.x on mmcv 1.x, the OpenAI
``clip`` package). Their files are imported here from a checkout given on the command line,
unchanged, with the few names they import from those old versions stood in by today's
equivalents (mmengine's ``BaseModule``, mmcv 2's ``ConvModule`` / ``FFN`` / attention bricks,
open_clip for ``clip``). Nothing of the official code is copied into this project: the
scripts save only inputs and outputs (``tests/data/*.pt``).
"""
import contextlib
import importlib.abc
import importlib.machinery
import importlib.util
import os.path as osp
import sys
import types
from typing import Dict, Iterator

import torch


def module(name: str, **attrs) -> types.ModuleType:
    """A stand-in module (a package, so that submodules resolve) holding ``attrs``."""
    mod = types.ModuleType(name)
    mod.__path__ = []
    mod.__dict__.update(attrs)
    return mod


@contextlib.contextmanager
def stand_ins(modules: Dict[str, types.ModuleType], attributes: Dict[tuple, object] = None) -> Iterator[None]:
    """Put stand-in modules into ``sys.modules`` (and attributes onto existing modules) for the
    duration of the block; everything is restored afterwards."""
    attributes = attributes or {}
    saved = {name: sys.modules.get(name) for name in modules}
    saved_attrs = {key: getattr(key[0], key[1], None) for key in attributes}
    sys.modules.update(modules)
    for (owner, name), value in attributes.items():
        setattr(owner, name, value)
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = old
        for (owner, name), old in saved_attrs.items():
            setattr(owner, name, old)


def load(checkout: str, relpath: str, name: str) -> types.ModuleType:
    """Import ``<checkout>/<relpath>`` as module ``name`` (parents of a dotted name are created
    as empty packages, so that the file's relative imports find stand-ins registered under them)."""
    path = osp.join(checkout, relpath)
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: is {checkout} a checkout of the official repository?')
    parts = name.split('.')
    for i in range(1, len(parts)):
        sys.modules.setdefault('.'.join(parts[:i]), module('.'.join(parts[:i])))
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _cpu(device):
    return 'cpu' if isinstance(device, (str, torch.device)) and str(device).startswith('cuda') else device


def _to_cpu(to):
    def moved(self, *args, **kwargs):
        return to(self, *[_cpu(a) for a in args], **{k: _cpu(v) for k, v in kwargs.items()})
    return moved


@contextlib.contextmanager
def cuda_calls_stay_on_cpu() -> Iterator[None]:
    """Official scripts call ``.cuda()``, ``.to('cuda:<i>')`` and count the GPUs; the fixtures
    are made on CPU (one "GPU": the CPU)."""
    with stand_ins({}, {(torch.Tensor, 'cuda'): lambda self, *a, **k: self,
                        (torch.nn.Module, 'cuda'): lambda self, *a, **k: self,
                        (torch.Tensor, 'to'): _to_cpu(torch.Tensor.to),
                        (torch.nn.Module, 'to'): _to_cpu(torch.nn.Module.to),
                        (torch.cuda, 'device_count'): lambda: 1}):
        yield


class _CheckoutFinder(importlib.abc.MetaPathFinder):
    """Finds the given top-level modules (and their submodules) in a checkout only."""

    def __init__(self, checkout: str, names):
        self.checkout, self.names = checkout, set(names)

    def find_spec(self, fullname, path=None, target=None):
        if fullname in self.names:
            return importlib.machinery.PathFinder.find_spec(fullname, [self.checkout])
        return None


@contextlib.contextmanager
def checkout_modules(checkout: str, names) -> Iterator[None]:
    """Make the checkout's top-level modules ``names`` (e.g. its own ``clip`` package and
    ``utils.py``) importable for the duration of the block, without putting the checkout on
    ``sys.path``; installed modules of the same names (open_clip) are hidden meanwhile. The
    checkout's are forgotten afterwards."""
    finder = _CheckoutFinder(checkout, names)
    hidden = {name: sys.modules.pop(name) for name in list(sys.modules) if name.split('.')[0] in finder.names}
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for name in list(sys.modules):
            if name.split('.')[0] in finder.names:
                del sys.modules[name]
        sys.modules.update(hidden)


def _compact(value):
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_compact(v) for v in value)
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().contiguous()
        if value.is_floating_point() or value.dtype == torch.bool or not value.numel():
            return value
        if 0 <= value.min() and value.max() < 2**8:
            return value.to(torch.uint8)  # label maps, images
        if -2**15 <= value.min() and value.max() < 2**15:
            return value.to(torch.int16)  # small numbers
    return value


def save(path: str, fixtures: dict) -> None:
    """Save fixtures (integer tensors as uint8 / int16 where they fit), reporting the file size."""
    torch.save(_compact(fixtures), path)
    print(f'wrote {path} ({osp.getsize(path) / 1024:.0f} KiB)')
