# ProxyCLIP ViT-B/16 on ade20k under ProxyCLIP's protocol (model base): its configs/cfg_ade20k.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/proxyclip_vit_b16.py',
    '../_base_/datasets/ade20k.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    decode_head=dict(text_encoder=dict(vocabulary='proxyclip_ade150')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.proxyclip_test_pipeline_448}}))
val_dataloader = test_dataloader
