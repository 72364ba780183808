# SegCLIP's pre-training data: CC3M web-dataset shards (img2dataset layout) + COCO Captions
# (train2017, 5 captions per image; CSV from tools/dataset_converters/coco_captions.py).
# 224x224 random crops; Felzenszwalb superpixels of each crop (scale 224, sigma 9, min size 224)
# for the superpixel KL loss; captions truncated to 32 tokens.
pair_pipeline = [
    dict(type='LoadImageTextPair'),
    dict(type='RandomResize', scale=(224, 224), ratio_range=(1.0, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=(224, 224)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='Superpixels', scale=224, sigma=9, min_size=224),
    dict(type='TokenizeCaption', model_name='ViT-B-16', context_length=32),
    dict(type='PackImageTextInputs'),
]
train_dataloader = dict(
    batch_size=96,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(
        type='ConcatDataset',
        datasets=[
            dict(type='WebDatasetPairs', shards='data/cc3m/*.tar', pipeline=pair_pipeline),
            dict(type='CsvPairs', ann_file='data/coco/captions_train2017.csv', data_root='data/coco',
                 pipeline=pair_pipeline),
        ]))
