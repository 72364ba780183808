# SC-CLIP ViT-B/16 on coco_object under SC-CLIP's protocol (model base), its configs/cfg_coco_object.py:
# logit scale 55, probability threshold 0.35.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/sc_clip_vit_b16.py',
    '../_base_/datasets/coco_object.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    bg_threshold=0.35, vocabulary_has_background=True,
    decode_head=dict(logit_scale=55.0, text_encoder=dict(vocabulary='sclip_coco_object')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
