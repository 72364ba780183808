# MaskCLIP ViT-B/16 on coco_object under SCLIP's protocol (see the model base); SCLIP's cfg_coco_object.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/maskclip_vit_b16_sclip_protocol.py',
    '../_base_/datasets/coco_object.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    bg_threshold=0.1, vocabulary_has_background=True,
    decode_head=dict(logit_scale=50.0, text_encoder=dict(vocabulary='sclip_coco_object')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
