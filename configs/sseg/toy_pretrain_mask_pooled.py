# S-Seg on the toy world with each mask's feature = the average of the per-pixel embeddings under
# its (detached) mask and the image embedding = the mean of the projected mask embeddings (the same
# space the masks are classified in at test time). Not in the paper: it ties a mask's feature to its
# own content (the paper's decoder outputs of an image's queries all receive the same language
# gradient). Otherwise as toy_pretrain.py (MaskFormer's combination at test time).
_base_ = ['./toy_pretrain.py']
work_dir = 'work_dirs/sseg_toy_mask_pooled'
model = dict(backbone=dict(pool='project_then_mean', head=dict(query_feature='mask_pooled')))
