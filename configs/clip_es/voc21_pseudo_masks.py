# CLIP-ES pseudo masks (CAA + CRF) and confidence maps for VOC train_aug (10,582 images), written to
# work_dirs/clip_es_voc/{labels,confidence}/ by the standard test tool (resumable: finished images
# are skipped), with their mIoU against SegmentationClassAug:
#   tools/test.py configs/clip_es/voc21_pseudo_masks.py none
_base_ = ['./voc21_caa_crf.py']
pseudo_label_dir = 'work_dirs/clip_es_voc'
train_aug = dict(data_prefix=dict(seg_map_path='SegmentationClassAug'), ann_file='ImageSets/Segmentation/train_aug.txt')
test_dataloader = dict(dataset=train_aug)
