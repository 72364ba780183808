# CLIP-ES toy pseudo masks + confidence maps written to work_dirs/clip_es_toy/ (resumable), with
# their mIoU: tools/test.py configs/clip_es/toy_pseudo_masks.py none
_base_ = ['./toy.py']
pseudo_label_dir = 'work_dirs/clip_es_toy'
