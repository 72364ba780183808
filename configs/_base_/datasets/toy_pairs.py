# Toy-world image-caption pairs for pre-training, with toy segmentation for validation.
_base_ = ['./toy_seg.py']
pair_pipeline = [
    dict(type='LoadToySample', with_seg=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='TokenizeCaption', model_name='TextSup-Toy-ViT'),
    dict(type='PackImageTextInputs'),
]
train_dataloader = dict(
    _delete_=True,
    batch_size=128,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='ToyCaptionDataset', num_samples=1000000, size=64,
                 pipeline=pair_pipeline))
