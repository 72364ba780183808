# CLIP-ES initial CAMs (no CAA, no CRF) on VOC 2012 train: tools/test.py configs/clip_es/voc21_cams.py none
# Background (1 - max CAM)^2, the default of the official eval_cam.py, which reports the better of
# powers 1 and 2 (add --cfg-options model.bg_power=1 for the other).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/clip_es_vit_b16.py',
    '../_base_/datasets/voc21_train_image_labels.py', '../_base_/schedules/inference_only.py'
]
model = dict(caa=False, crf=False, bg_power=2)
