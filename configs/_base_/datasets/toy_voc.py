# The toy world's files in mmseg's VOC layout (python tools/dataset_converters/write_toy_world.py
# data/toy --shards 0): `toy_voc_train`, the 2,000 train images with their ground truth, e.g. to
# be pseudo-labelled (it replaces whatever dataset the leaf's other bases configured: `_delete_`).
toy_voc_root = 'data/toy/voc'
toy_classes = ('grass', 'water', 'sand', 'snow', 'tomato', 'lemon', 'grape', 'zebra', 'donut', 'carrot')
toy_voc_train = dict(
    _delete_=True,
    type='BaseSegDataset',
    metainfo=dict(classes=toy_classes),
    data_root=toy_voc_root,
    data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'),
    img_suffix='.jpg',
    seg_map_suffix='.png',
    ann_file='ImageSets/Segmentation/train.txt',
    pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadCheckedAnnotations'), dict(type='PackSegInputs')])
