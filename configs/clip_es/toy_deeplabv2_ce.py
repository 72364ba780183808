# The cross-entropy baseline of toy_deeplabv2.py: every pseudo-label pixel is used.
_base_ = ['./toy_deeplabv2.py']
work_dir = 'work_dirs/clip_es_toy_deeplabv2_ce'
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]))
