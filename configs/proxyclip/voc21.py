# ProxyCLIP ViT-B/16 on voc21 under ProxyCLIP's protocol (model base): its configs/cfg_voc21.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/proxyclip_vit_b16.py',
    '../_base_/datasets/voc21.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    bg_threshold=0.2, vocabulary_has_background=True,
    decode_head=dict(text_encoder=dict(vocabulary='proxyclip_voc21')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
