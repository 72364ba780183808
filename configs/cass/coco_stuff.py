# CASS ViT-B/16 on coco_stuff under CASS's protocol (model base): its configs/cfg_coco_stuff164k.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/cass_vit_b16.py',
    '../_base_/datasets/coco_stuff164k.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    decode_head=dict(global_weight=0.2, mean_vector_weight=0.02, cluster_threshold=0.02,
                     text_encoder=dict(vocabulary='sclip_coco_stuff171')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
