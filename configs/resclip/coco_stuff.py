# ResCLIP ViT-B/16 on coco_stuff under ResCLIP's protocol (model base), its configs/cfg_coco_stuff164k.py:
# temp_thd 0.11, attn_rcs_weights [2.0, 0.4], attn_sfr_weights [1.8, 0.7], short side 336 (SCLIP's: 448).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/resclip_vit_b16.py',
    '../_base_/datasets/coco_stuff164k.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    backbone=dict(temp_thd=0.11, rcs_weights=(2.0, 0.4), sfr_weights=(1.8, 0.7)),
    decode_head=dict(text_encoder=dict(vocabulary='sclip_coco_stuff171')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
