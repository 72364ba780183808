# SC-CLIP ViT-B/16 on voc21 under SC-CLIP's protocol (model base), its configs/cfg_voc21.py:
# logit scale 50, probability threshold 0.15, area threshold 0.1.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/sc_clip_vit_b16.py',
    '../_base_/datasets/voc21.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    bg_threshold=0.15, vocabulary_has_background=True, area_threshold=0.1,
    decode_head=dict(logit_scale=50.0, text_encoder=dict(vocabulary='sclip_voc21')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
