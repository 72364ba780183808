# MaskCLIP+ transductive zero-shot on the toy world: ground truth for the 7 seen classes; pixels of
# the unseen classes (water, lemon, zebra) count as unlabelled and get pseudo labels restricted to
# the unseen classes, from the teacher and then (self-training) from the student.
_base_ = ['./toy.py']
work_dir = 'work_dirs/maskclip_plus_toy_zero_shot'
unseen = ['water', 'lemon', 'zebra']
model = dict(unseen_classes=unseen)
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadToySample'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]))
val_evaluator = dict(type='ZeroShotIoUMetric', unseen_classes=unseen)
test_evaluator = val_evaluator
