# Toy-world segmentation (generated on the fly; 10 classes). Vocabulary: 'toy'.
dataset_type = 'ToySegDataset'
toy_image_size = 64
train_pipeline = [
    dict(type='LoadToySample'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadToySample'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type=dataset_type, split='train', num_samples=20000, size=toy_image_size,
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=50,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, split='val', num_samples=500, size=toy_image_size, test_mode=True,
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
