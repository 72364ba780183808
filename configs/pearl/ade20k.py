# PEARL ViT-B/16 on ade20k under PEARL's protocol (model base), its configs/cfg_ade20k.py:
# alpha_kk 0.3.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/pearl_vit_b16.py',
    '../_base_/datasets/ade20k.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    backbone=dict(dense_mode=dict(alpha_kk=0.3)),
    decode_head=dict(text_encoder=dict(vocabulary='sclip_ade150')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
