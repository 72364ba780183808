# COCO-Stuff 164k train2017 (171 classes), for training (mmseg's standard folder layout).
_base_ = ['./segmentation_train.py']
train_dataloader = dict(
    dataset=dict(
        type='COCOStuffDataset',
        data_root='data/coco_stuff164k',
        data_prefix=dict(img_path='images/train2017', seg_map_path='annotations/train2017')))
