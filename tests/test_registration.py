"""Every public component of the package is registered in the right mmseg registry."""
import importlib
import inspect
import pkgutil

from mmcv.transforms import BaseTransform
from mmengine.dataset import BaseDataset
from mmengine.evaluator import BaseMetric
from mmengine.hooks import Hook
from mmengine.runner import BaseLoop, Runner
from mmseg.registry import DATASETS, HOOKS, LOOPS, METRICS, MODELS, RUNNERS, TRANSFORMS
from mmseg.utils import register_all_modules
from torch import nn

import mmseg_textsup

REGISTRY_OF = [(BaseDataset, DATASETS), (BaseTransform, TRANSFORMS), (Hook, HOOKS), (BaseMetric, METRICS),
               (BaseLoop, LOOPS), (Runner, RUNNERS), (nn.Module, MODELS)]


def _package_classes():
    classes = {}
    for info in pkgutil.walk_packages(mmseg_textsup.__path__, 'mmseg_textsup.'):
        module = importlib.import_module(info.name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == module.__name__ and not name.startswith('_'):
                classes[name] = obj
    return classes


def test_every_component_is_registered_in_its_registry():
    register_all_modules(init_default_scope=False)  # all of mmseg's own components too
    components = {}
    for name, cls in _package_classes().items():
        for base, registry in REGISTRY_OF:
            if issubclass(cls, base):
                components[name] = (cls, registry)
                break
    assert len(components) >= 15, sorted(components)
    for name, (cls, registry) in components.items():
        assert registry.get(name) is cls, f'{name} is not registered in {registry.name}'


def test_names_do_not_collide_with_mmseg():
    register_all_modules(init_default_scope=False)
    for registry in (MODELS, DATASETS, TRANSFORMS, HOOKS, METRICS, LOOPS, RUNNERS):
        for name, cls in registry.module_dict.items():
            if cls.__module__.startswith('mmseg_textsup'):
                for parent in [registry.parent] if registry.parent else []:
                    assert name not in parent.module_dict, f'{name} shadows an MMEngine component'
    assert 'CLIPTextEncoder' in MODELS.module_dict
    assert MODELS.get('CLIPTextEncoder').__module__.startswith('mmseg.')
