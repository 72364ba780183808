# toy_deeplabv2_ce.py with CLIP-ES's confidence-guided loss (eq. 9, mu 0.95): each pseudo label's
# confidence map (the CRF's maximum probability) travels with it to the loss.
_base_ = ['./toy_deeplabv2_ce.py']
work_dir = 'work_dirs/clip_es_toy_deeplabv2'
model = dict(
    decode_head=dict(
        type='ConfidenceGuidedHead', head_type='ASPPV2Head',
        loss_decode=dict(_delete_=True, type='ConfidenceGuidedCELoss', mu=0.95)))
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='LoadConfidenceMap'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputsWithConfidence'),
]))
