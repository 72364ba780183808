# CC3M + CC12M image-caption pairs in the web-dataset shard layout written by img2dataset
# ({key}.jpg + {key}.txt in .tar files), read without extraction. SimSeg's official augmentation:
# RandomResizedCrop(224, scale 0.6-1) and AutoAugment (ImageNet policy), no flip.
pair_pipeline = [
    dict(type='LoadImageTextPair'),
    dict(type='TorchvisionTransform', name='RandomResizedCrop', size=224, scale=(0.6, 1.0)),
    dict(type='TorchvisionTransform', name='AutoAugment', policy='imagenet'),
    dict(type='TokenizeCaption', model_name='SimSeg-ViT-S-16-BERT'),  # bert-base-uncased WordPiece, 25 tokens
    dict(type='PackImageTextInputs'),
]
train_dataloader = dict(
    batch_size=128,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='WebDatasetPairs', shards=['data/cc3m/*.tar', 'data/cc12m/*.tar'], pipeline=pair_pipeline))
