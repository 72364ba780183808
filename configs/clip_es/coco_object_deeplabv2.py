# DeepLabV2-R101 on CLIP-ES pseudo masks of COCO with the confidence-guided loss (eq. 9, mu 0.95);
# otherwise as coco_object_deeplabv2_ce.py.
_base_ = ['./coco_object_deeplabv2_ce.py']
model = dict(
    decode_head=dict(
        type='ConfidenceGuidedHead', head_type='ASPPV2Head',
        loss_decode=dict(_delete_=True, type='ConfidenceGuidedCELoss', mu=0.95)))
train_dataloader = dict(dataset=dict(pipeline={{_base_.confidence_guided_train_pipeline}}))
