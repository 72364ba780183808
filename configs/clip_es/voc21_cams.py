# CLIP-ES initial CAMs (no CAA, no CRF) on VOC 2012 train: tools/test.py configs/clip_es/voc21_cams.py none
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/clip_es_vit_b16.py',
    '../_base_/datasets/voc21_train_image_labels.py', '../_base_/schedules/inference_only.py'
]
model = dict(caa=False, crf=False)
