# ClearCLIP ViT-B/16 on voc20 under ClearCLIP's protocol (model base): its configs/cfg_voc20.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/clearclip_vit_b16.py',
    '../_base_/datasets/voc20.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    decode_head=dict(text_encoder=dict(vocabulary='clearclip_voc20')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.clearclip_test_pipeline}}))
val_dataloader = test_dataloader
