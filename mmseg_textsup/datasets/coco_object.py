from mmseg.datasets import BaseSegDataset, COCOStuffDataset
from mmseg.registry import DATASETS

COCO_THINGS = COCOStuffDataset.METAINFO['classes'][:80]


@DATASETS.register_module()
class COCOObjectDataset(BaseSegDataset):
    """COCO-Object: background + the 80 COCO thing classes (81 labels).

    Label maps are made from COCO instance annotations by
    ``tools/dataset_converters/coco_object.py`` (instance masks merged per class, 0 is
    background, 255 ignored). Layout::

        data/coco_stuff164k/images/val2017/*.jpg
        data/coco_stuff164k/annotations_object/val2017/*.png
    """
    METAINFO = dict(
        classes=('background', ) + tuple(COCO_THINGS),
        palette=[[0, 0, 0]] + list(COCOStuffDataset.METAINFO['palette'][:80]))

    def __init__(self, img_suffix: str = '.jpg', seg_map_suffix: str = '.png', **kwargs):
        super().__init__(img_suffix=img_suffix, seg_map_suffix=seg_map_suffix, **kwargs)
