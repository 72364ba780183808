# DeepLabV2-R101 trained on CLIP-ES pseudo masks of VOC train_aug with the confidence-guided loss
# (pixels whose confidence is below 0.95 are ignored); otherwise as voc21_deeplabv2_ce.py:
#   tools/dist_train.sh configs/clip_es/voc21_deeplabv2.py 8
_base_ = ['./voc21_deeplabv2_ce.py']
train_dataloader = dict(dataset=dict(pipeline={{_base_.confidence_guided_train_pipeline}}))
