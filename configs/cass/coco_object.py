# CASS ViT-B/16 on coco_object under CASS's protocol (model base): its configs/cfg_coco_object.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/cass_vit_b16.py',
    '../_base_/datasets/coco_object.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    bg_threshold=0.1, vocabulary_has_background=True,
    decode_head=dict(global_weight=0.25, mean_vector_weight=0.01, cluster_threshold=0.1,
                     text_encoder=dict(vocabulary='sclip_coco_object')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
