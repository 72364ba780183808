import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS
from PIL import Image


@TRANSFORMS.register_module()
class TorchvisionTransform(BaseTransform):
    """Apply a torchvision image transform to ``results['img']`` (BGR uint8, as loaded), for
    pre-training recipes written with torchvision: SimSeg's official
    ``RandomResizedCrop(224, scale=(0.6, 1))`` + ``AutoAugment`` (ImageNet policy).

    The image goes through PIL (RGB) and back; only the image changes, so it is meant for
    image-text pipelines (with a segmentation map present it refuses: they would disagree).

    Args:
        name (str): a ``torchvision.transforms`` class name, e.g. ``'RandomResizedCrop'`` or
            ``'AutoAugment'``.
        **kwargs: its arguments; ``policy`` may be given by name (``'imagenet'``).
    """

    def __init__(self, name: str, **kwargs):
        import torchvision.transforms as T
        if not hasattr(T, name):
            raise ValueError(f'torchvision.transforms has no {name!r}')
        if isinstance(kwargs.get('policy'), str):
            kwargs['policy'] = T.AutoAugmentPolicy(kwargs['policy'].lower())
        for key in ('scale', 'ratio'):
            if isinstance(kwargs.get(key), list):
                kwargs[key] = tuple(kwargs[key])
        self.name = name
        self.op = getattr(T, name)(**kwargs)

    def transform(self, results: dict) -> dict:
        if results.get('gt_seg_map') is not None:
            raise ValueError(f'TorchvisionTransform({self.name}) changes the image only; not for segmentation maps')
        image = self.op(Image.fromarray(np.ascontiguousarray(results['img'][..., ::-1])))
        results['img'] = np.ascontiguousarray(np.asarray(image)[..., ::-1])
        results['img_shape'] = results['img'].shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}({self.op!r})'
