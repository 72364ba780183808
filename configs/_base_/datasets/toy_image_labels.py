# Toy-world images with their image-level labels (the classes present) on every data sample,
# for weakly supervised methods (CLIP-ES): data_sample.metainfo['image_labels'].
_base_ = ['./toy_seg.py']
image_label_pipeline = [
    dict(type='LoadToySample'),
    dict(
        type='PackSegInputs',
        meta_keys=('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'pad_shape', 'scale_factor', 'flip',
                   'flip_direction', 'reduce_zero_label', 'image_labels')),
]
val_dataloader = dict(dataset=dict(pipeline=image_label_pipeline))
test_dataloader = val_dataloader
