# Trident ViT-B/16 on cityscapes under Trident's protocol (model base): its configs/cfg_city_scapes.py settings; SAM
# sees the image's two halves.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/trident_vit_b16.py',
    '../_base_/datasets/cityscapes.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    refinement=dict(coarse_thresh=0.1),
    cos_fac=3.0, refine_neg_cos=False, sam_halves=True,
    decode_head=dict(text_encoder=dict(vocabulary='proxyclip_cityscapes19')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.trident_test_pipeline_688}}))
val_dataloader = test_dataloader
