# The paper's "w/o LoDA" baseline on the toy world: the same SimSeg pre-training with maximum
# response selection off (every image and text token aligned: dense alignment).
_base_ = ['./toy_pretrain.py']
work_dir = 'work_dirs/simseg_toy_dense'
model = dict(loss=dict(select=False))
custom_hooks = [
    dict(type='ExportCLIPHook', filename='simseg_toy_dense_clip.pth'),
    dict(type='SkippedSamplesHook', interval=325)
]
