# SimSeg ViT-S/16 zero-shot segmentation of COCO-Object val (81 classes, the official names); the
# ground truth as the official evaluation builds it from COCO-Stuff's stuffthingmaps (stuff and
# unlabelled are background: tools/dataset_converters/coco_object_from_stuffthingmaps.py);
# otherwise as voc21.py.
#   tools/test.py configs/simseg/coco_object.py work_dirs/simseg/pretrain_vit_s16/iter_290000.pth
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/simseg_vit_s16.py', '../_base_/datasets/coco_object.py',
    '../_base_/schedules/inference_only.py'
]
model = dict(vocabulary='simseg_coco_object81')
test_dataloader = dict(
    dataset=dict(data_prefix=dict(seg_map_path='annotations_object_stuffthingmaps/val2017'),
                 pipeline={{_base_.simseg_test_pipeline}}))
val_dataloader = test_dataloader
