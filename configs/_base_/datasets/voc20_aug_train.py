# PASCAL VOC 2012 train + SBD aug (10,582 images) without background, for training (VOC20
# labels: background ignored). Folder layout of mmseg's voc_aug converter.
_base_ = ['./segmentation_train.py']
voc_root = 'data/VOCdevkit/VOC2012'
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        datasets=[
            dict(type='PascalVOC20Dataset', data_root=voc_root, ann_file='ImageSets/Segmentation/train.txt',
                 data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'),
                 pipeline={{_base_.train_pipeline}}),
            dict(type='PascalVOC20Dataset', data_root=voc_root, ann_file='ImageSets/Segmentation/aug.txt',
                 data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClassAug'),
                 pipeline={{_base_.train_pipeline}}),
        ]))
