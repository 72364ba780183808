# The toy CLIP pre-trained through the real-data code paths: web-dataset shards for the
# pairs and a VOC-style folder for validation. Write them first:
#   python tools/dataset_converters/write_toy_world.py data/toy
_base_ = ['./pretrain.py']
work_dir = 'work_dirs/toy_clip_shards'
train_dataloader = dict(
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        _delete_=True,
        type='WebDatasetPairs',
        shards='data/toy/shards/*.tar',
        pipeline=[
            dict(type='LoadImageTextPair'),
            dict(type='RandomFlip', prob=0.5),
            dict(type='TokenizeCaption', model_name='TextSup-Toy-ViT'),
            dict(type='PackImageTextInputs'),
        ]))
voc_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='BaseSegDataset',
        metainfo=dict(classes=('grass', 'water', 'sand', 'snow', 'tomato', 'lemon', 'grape', 'zebra', 'donut',
                               'carrot')),
        data_root='data/toy/voc',
        data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'),
        img_suffix='.jpg',
        seg_map_suffix='.png',
        ann_file='ImageSets/Segmentation/val.txt',
        pipeline=voc_pipeline))
test_dataloader = val_dataloader
