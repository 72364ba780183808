# The paper's reading of the confidence (eq. 8, max(1 - max_c X, max_c X) of the CAMs) instead of
# the official CRF probability; otherwise as voc21_pseudo_masks.py, written to
# work_dirs/clip_es_voc_eq8/ (voc21_deeplabv2_eq8.py trains on them).
_base_ = ['./voc21_pseudo_masks.py']
pseudo_label_dir = 'work_dirs/clip_es_voc_eq8'
model = dict(confidence='cam')
