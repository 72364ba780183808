# voc21_deeplabv2.py on the pseudo masks whose confidence is the paper's eq. 8 (CAMs) instead of the
# official CRF probability: tools/test.py configs/clip_es/voc21_pseudo_masks_eq8.py none first.
_base_ = ['./voc21_deeplabv2.py']
train_dataloader = dict(dataset=dict(data_prefix=dict(seg_map_path='work_dirs/clip_es_voc_eq8/labels')))
