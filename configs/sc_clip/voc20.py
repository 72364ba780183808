# SC-CLIP ViT-B/16 on voc20 under SC-CLIP's protocol (model base), its configs/cfg_voc20.py:
# no thresholds.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/sc_clip_vit_b16.py',
    '../_base_/datasets/voc20.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    decode_head=dict(text_encoder=dict(vocabulary='sclip_voc20')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
