# S-Seg+ step 1 on the toy world: the toy S-Seg (configs/sseg/toy_pretrain.py) labels the 2,000 toy
# train images written by tools/dataset_converters/write_toy_world.py; PNGs go to
# work_dirs/sseg_toy_pseudo_labels/labels/ (resumable), with their mIoU against the toy ground truth:
#   tools/test.py configs/sseg/toy_train_pseudo_labels.py work_dirs/sseg_toy/iter_650.pth
_base_ = ['./toy_pretrain.py']
pseudo_label_dir = 'work_dirs/sseg_toy_pseudo_labels'
test_dataloader = dict(
    _delete_=True,
    batch_size=50,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='PendingPseudoLabels',
        out_dir=pseudo_label_dir,
        dataset=dict(
            type='BaseSegDataset',
            metainfo=dict(classes=('grass', 'water', 'sand', 'snow', 'tomato', 'lemon', 'grape', 'zebra', 'donut',
                                   'carrot')),
            data_root='data/toy/voc',
            data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'),
            img_suffix='.jpg',
            seg_map_suffix='.png',
            ann_file='ImageSets/Segmentation/train.txt',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadCheckedAnnotations'),
                dict(type='PackSegInputs'),
            ])))
test_evaluator = [
    dict(type='IoUMetric', iou_metrics=['mIoU']),
    dict(type='PseudoLabelWriter', out_dir=pseudo_label_dir)
]
