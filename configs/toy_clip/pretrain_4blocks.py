# The toy CLIP with 4 vision blocks (TextSup-Toy-ViT4), the start of SegCLIP's toy rows: the group
# module after block 2 leaves two blocks after it, as the paper needs (its Table 2: one block
# after the module is its worst case). Otherwise as pretrain.py; exports
# work_dirs/toy_clip_4blocks/toy_clip_4blocks.pth.
_base_ = ['./pretrain.py']
clip_name = 'TextSup-Toy-ViT4'
work_dir = 'work_dirs/toy_clip_4blocks'
model = dict(backbone=dict(model_name=clip_name), text_tower=dict(model_name=clip_name))
custom_hooks = [
    dict(type='ExportCLIPHook', filename='toy_clip_4blocks.pth'),
    dict(type='SkippedSamplesHook', interval=325)
]
