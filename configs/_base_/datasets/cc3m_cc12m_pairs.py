# CC3M + CC12M image-caption pairs in the web-dataset shard layout written by img2dataset
# ({key}.jpg + {key}.txt in .tar files), read without extraction. 224x224 random crops.
pair_pipeline = [
    dict(type='LoadImageTextPair'),
    dict(type='RandomResize', scale=(224, 224), ratio_range=(1.0, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=(224, 224)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='TokenizeCaption', model_name='ViT-B-16'),  # CLIP BPE, context 77
    dict(type='PackImageTextInputs'),
]
train_dataloader = dict(
    batch_size=128,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='WebDatasetPairs', shards=['data/cc3m/*.tar', 'data/cc12m/*.tar'], pipeline=pair_pipeline))
