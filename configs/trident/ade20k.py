# Trident ViT-B/16 on ade20k under Trident's protocol (model base): its configs/cfg_ade20k.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/trident_vit_b16.py',
    '../_base_/datasets/ade20k.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    refinement=dict(coarse_thresh=0.05),
    refine_neg_cos=False,
    decode_head=dict(text_encoder=dict(vocabulary='proxyclip_ade150')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.trident_test_pipeline_576}}))
val_dataloader = test_dataloader
