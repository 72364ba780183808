# DeepLabV2-R101 trained on CLIP-ES pseudo masks of VOC train_aug with the confidence-guided loss
# (eq. 9: pixels whose confidence is below 0.95 contribute nothing; the confidence maps come with
# the masks); otherwise as voc21_deeplabv2_ce.py:
#   tools/dist_train.sh configs/clip_es/voc21_deeplabv2.py 8
_base_ = ['./voc21_deeplabv2_ce.py']
model = dict(
    decode_head=dict(
        type='ConfidenceGuidedHead', head_type='ASPPV2Head',
        loss_decode=dict(_delete_=True, type='ConfidenceGuidedCELoss', mu=0.95)))
train_dataloader = dict(dataset=dict(pipeline={{_base_.confidence_guided_train_pipeline}}))
