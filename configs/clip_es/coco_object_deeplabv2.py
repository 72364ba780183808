# DeepLabV2-R101 on CLIP-ES pseudo masks of COCO with the confidence-guided loss (confidence < 0.95
# ignored); otherwise as coco_object_deeplabv2_ce.py.
_base_ = ['./coco_object_deeplabv2_ce.py']
train_dataloader = dict(dataset=dict(pipeline={{_base_.confidence_guided_train_pipeline}}))
