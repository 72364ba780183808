# Trident ViT-B/16 on voc20 under Trident's protocol (model base): its configs/cfg_voc20.py settings; windows with
# stride 112, SAM's threshold factor 0.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/trident_vit_b16.py',
    '../_base_/datasets/voc20.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    refinement=dict(coarse_thresh=0.2),
    cos_fac=0.0,
    decode_head=dict(text_encoder=dict(vocabulary='proxyclip_voc20')),
    test_cfg=dict(stride=(112, 112)))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
